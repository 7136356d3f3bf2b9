"""A role's journey in the browser: counts what the person does (clicks, keys, typing),
times every page it loads, catches script and CSP errors, and writes screenshots at
desktop width and at 390 px to the test artefact folder (not committed)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from tests.web.conftest import PASSWORD

ARTEFACTS = Path(os.environ.get("YUQING_TEST_ARTEFACTS", "test-artefacts")) / "journeys"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SLOW_MS = 500


# The page's own Navigation Timing, from the start of the navigation: when the last
# byte of the answer arrived, and when the load event (styles, scripts, images) ended;
# after redirects (a login's POST, then / to the role's home) also the final page's
# own answer, from its fetchStart, so that the form's cost and the page's are apart.
NAVIGATION_TIMING = """() => new Promise(done => {
  const read = () => {
    const n = performance.getEntriesByType('navigation')[0];
    if (n && n.loadEventEnd > 0) done([Math.round(n.responseEnd - n.startTime),
                                       Math.round(n.loadEventEnd - n.startTime),
                                       n.redirectCount,
                                       Math.round(n.responseEnd - n.fetchStart)]);
    else setTimeout(read, 20);
  };
  read();
})"""


@dataclass(frozen=True)
class PageLoad:
    url: str
    response_ms: int  # responseEnd - startTime: the server's answer
    load_ms: int  # loadEventEnd - startTime: the page ready to use
    redirects: int = 0  # answers that sent the browser on before this page
    own_response_ms: int = 0  # responseEnd - fetchStart: this page's answer alone

    @property
    def slow(self) -> bool:
        return self.load_ms > SLOW_MS


@dataclass
class Journey:
    name: str
    page: Page
    base: str
    actions: int = 0
    loads: list[PageLoad] = field(default_factory=list)
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
        url = page.url.removeprefix(self.base)
        try:
            timing = page.evaluate(NAVIGATION_TIMING)
        except PlaywrightError:  # the person moved on before the load ended: not timed
            return
        self.loads.append(PageLoad(url, *(int(t) for t in timing)))

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
        return phone_width(self.page)

    def finish(self) -> dict[str, Any]:
        """What the journey took: the person's actions and every page with its times,
        in test-artefacts/journeys/<name>.json and one line of summary.json."""
        summary = {
            "journey": self.name,
            "actions": self.actions,
            "pages": [asdict(load) for load in self.loads],
            "slow": [asdict(load) for load in self.loads if load.slow],
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / f"{self.name}.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        record_summary(self.name, self.actions, self.loads)
        self.page.close()
        return summary


# The browser fires "resize" on the frame after the viewport changes; charts redraw
# at the new width then. Measure after two frames, as a phone would show it.
AFTER_RESIZE = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def phone_width(page: Page) -> int:
    """The page's scroll width on a 390 px phone; the desktop width comes back after."""
    page.set_viewport_size(PHONE)
    page.evaluate(AFTER_RESIZE)
    width = int(page.evaluate("document.scrollingElement.scrollWidth"))
    page.set_viewport_size(DESKTOP)
    return width


def record_summary(name: str, actions: int, loads: list[PageLoad]) -> None:
    """One entry per journey in summary.json (the other journeys' entries are kept)."""
    path = ARTEFACTS / "summary.json"
    journeys: dict[str, Any] = {}
    if path.exists():
        journeys = json.loads(path.read_text(encoding="utf-8"))
    journeys[name] = {
        "actions": actions,
        "pages": len(loads),
        "slowest": max((asdict(load) for load in loads), key=lambda d: d["load_ms"], default=None),
        "slow": [asdict(load) for load in loads if load.slow],
    }
    path.write_text(json.dumps(journeys, ensure_ascii=False, indent=2), encoding="utf-8")
