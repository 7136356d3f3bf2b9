"""An event judged in a real browser with the keyboard: lock it, take it into review,
find it under the queue's 事件 tab; no script or CSP error on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_desk_loop import log_in
from tests.web.conftest import T0
from yuqing.store.db import Database
from yuqing.store.models import Event


@pytest.fixture
def event(web_db: Database) -> int:
    with web_db.transaction() as session:
        made = Event(title="发热门诊排长队", first_seen=T0, last_seen=T0, heat=3)
        session.add(made)
        session.flush()
        return made.id


def test_an_event_is_judged_with_the_keyboard(
    browser: Browser, live_server: str, event: int
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = live_server

    log_in(page, base, "analyst", f"/events/{event}")
    expect(page.locator("#event-status")).to_have_text("待研判")
    page.keyboard.press("l")  # take the lock
    expect(page.locator(".desk-lock")).to_contain_text("analyst")
    page.keyboard.press("r")  # in review
    expect(page.locator("#event-status")).to_have_text("研判中")
    page.goto(f"{base}/triage?kind=event")
    row = page.locator(f'tr[data-event-id="{event}"]')
    expect(row).to_contain_text("发热门诊排长队")
    expect(row.locator(".desk-locked")).to_be_visible()
    assert errors == []
