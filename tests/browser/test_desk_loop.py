"""The desk loop in a real browser (Debian's chromium through Playwright): the analyst
confirms a claim match and verifies with the keyboard, routes a case to the health
commission; the responder replies; the analyst closes and publishes; the feed has it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.web.conftest import PASSWORD
from yuqing.store.db import Database
from yuqing.store.models import Claim, ClaimMatch, Item
from yuqing.text import matching_form

CLAIM = "核酸检测点有病毒"


@pytest.fixture
def matched_item(web_db: Database) -> int:
    with web_db.transaction() as session:
        claim = Claim(text=CLAIM, text_norm=matching_form(CLAIM), verdict="false")
        session.add(claim)
        session.flush()
        item = session.scalar(select(Item).order_by(Item.id))
        assert item is not None
        session.add(ClaimMatch(item_id=item.id, claim_id=claim.id, score=0.7, rank=1))
        return item.id


def log_in(page: Page, base: str, username: str, start: str = "/triage") -> None:
    page.goto(f"{base}/login?next={start}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def log_out(page: Page) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login*")


def test_the_desk_loop_in_a_browser(browser: Browser, live_server: str, matched_item: int) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = live_server

    log_in(page, base, "analyst")
    page.goto(f"{base}/items/{matched_item}")
    page.keyboard.press("l")  # take the lock
    expect(page.locator(".desk-lock")).to_contain_text("analyst")
    page.keyboard.press("y")  # confirm the claim match
    expect(page.locator(".claim-candidate .match-status")).to_have_text("已确认")
    page.keyboard.press("v")  # verified
    expect(page.locator("#item-status")).to_have_text("已核实")
    page.keyboard.press("d")  # route to a department
    page.wait_for_url("**/cases/new?item_id=*")
    page.select_option("select[name=department_id]", label="市卫生健康委员会")
    page.fill("input[name=title]", "网传核酸检测点有病毒")
    page.click("form[action='/cases'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    log_out(page)

    log_in(page, base, "responder", "/my/cases")
    page.click("text=网传核酸检测点有病毒")
    page.fill("#reply-body", "检测点每日消杀，所谓有病毒的说法不实。")
    page.click("form[action$='/reply'] button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("已回复")
    log_out(page)

    log_in(page, base, "analyst")
    page.goto(case_url)
    expect(page.locator(".desk-reply")).to_contain_text("检测点每日消杀")
    page.fill("#case-outcome-input", "检测点每日消杀，所谓有病毒的说法不实。")
    page.click("form[action$='/close'] button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("已办结")
    page.click("text=据此事项新建辟谣条目")
    page.fill("textarea[name=text]", CLAIM)
    page.fill("#authority", "市卫生健康委员会")
    page.click("form[action='/factchecks'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/factchecks/\d+$"))
    page.click("#publish")
    expect(page.locator("h1 .badge")).to_have_text("已发布")
    log_out(page)

    feed = page.request.get(f"{base}/clarifications/feed.xml")
    assert feed.ok and f"【谣言】{CLAIM}" in feed.text()
    assert "所谓有病毒的说法不实" in feed.text()
    page.goto(f"{base}/clarifications")
    expect(page.locator(".desk-clarifications")).to_contain_text(CLAIM)
    assert errors == []  # no CSP violations or script errors along the way
