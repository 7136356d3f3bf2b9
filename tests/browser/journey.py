"""A role's journey in the browser: counts what the person does (clicks, keys, typing),
times every page it loads, catches script and CSP errors, and writes screenshots at
desktop width and at 390 px to the test artefact folder (not committed)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from tests.web.conftest import PASSWORD

ARTEFACTS = Path(os.environ.get("YUQING_TEST_ARTEFACTS", "test-artefacts")) / "journeys"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SLOW_MS = 500


@dataclass
class Journey:
    name: str
    page: Page
    base: str
    actions: int = 0
    loads: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shots: int = 0

    @classmethod
    def start(cls, browser: Browser, name: str, base: str) -> Journey:
        page = browser.new_page(viewport=DESKTOP)
        journey = cls(name, page, base)
        page.on("console", lambda m: journey.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: journey.errors.append(str(e)))
        page.on("load", lambda p: journey._timed(p))
        return journey

    def _timed(self, page: Page) -> None:
        timing: Any = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? Math.round(n.responseEnd - n.requestStart) : 0; }"
        )
        self.loads.append((page.url.removeprefix(self.base), int(timing)))

    # --- what the person does ---------------------------------------------------
    def click(self, selector: str) -> None:
        self.actions += 1
        self.page.click(selector)

    def press(self, key: str) -> None:
        self.actions += 1
        self.page.keyboard.press(key)

    def fill(self, selector: str, text: str) -> None:
        self.actions += 1
        self.page.fill(selector, text)

    def log_in(self, username: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.fill("input[name=username]", username)
        self.fill("input[name=password]", PASSWORD)
        self.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/login" not in url)

    # --- what the test records ----------------------------------------------------
    def shot(self, label: str) -> None:
        """Screenshots of the page as it is, at desktop width and on a phone."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        stem = f"{self.name}-{self.shots:02d}-{label}"
        self.page.screenshot(path=str(ARTEFACTS / f"{stem}-desktop.png"), full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=str(ARTEFACTS / f"{stem}-phone.png"))
        self.page.set_viewport_size(DESKTOP)

    def fits_a_phone(self) -> int:
        """The page's width at 390 px (it should be 390: nothing sticks out)."""
        self.page.set_viewport_size(PHONE)
        width = int(self.page.evaluate("document.documentElement.scrollWidth"))
        self.page.set_viewport_size(DESKTOP)
        return width

    def finish(self) -> dict[str, Any]:
        summary = {
            "journey": self.name,
            "actions": self.actions,
            "pages": len(self.loads),
            "slow": [(url, ms) for url, ms in self.loads if ms > SLOW_MS],
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / f"{self.name}.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        self.page.close()
        return summary
