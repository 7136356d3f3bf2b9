"""Every desk page of a fresh demo, as each of the six roles, in Debian's chromium
(issue 14): each role lands on its home; every page it may open loads without a script
or CSP error, fits a 390 px phone, and labels its controls in Chinese. Page times go
to test-artefacts/journeys/demo-<role>.json beside the journeys'."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from lxml import html
from playwright.sync_api import Browser
from sqlalchemy import func, select

from tests.browser.journey import PHONE, Journey, phone_width
from tests.web.test_chinese_pages import foreign_words
from yuqing.cli.demo import demo, demo_settings
from yuqing.store.db import Database
from yuqing.store.models import Case, Claim, Item, Report, Unit, WatchRule
from yuqing.web.app import create_app

PASSWORD = "demo-pass-14"
ITEMS = 600  # a small week: every page has records, the build stays under a minute
HOMES = {
    "admin": "/admin",
    "analyst": "/triage",
    "editor": "/triage",
    "signer": "/reports?status=awaiting",
    "officer_kdl": "/my/unit",
    "responder_health": "/my/cases",
}
PAGES = [
    "/triage", "/items", "/items?q=口罩 AND (涨价 OR 加价) -辟谣", "/items/new", "/items/{item}",
    "/overview", "/events", "/events/{event}", "/questions", "/alerts", "/rules",
    "/rules/{rule}", "/cases", "/cases/new", "/cases/{case}", "/my/cases", "/factchecks",
    "/factchecks/new", "/factchecks/{claim}", "/reports", "/reports?status=awaiting",
    "/reports/new", "/reports/{report}", "/sources", "/quarantine", "/network",
    "/network/reports", "/network/tallies", "/network/directives", "/network/assessment",
    "/network/units", "/my/unit", "/settings/models", "/admin", "/admin/users",
    "/admin/audit", "/admin/retention",
]  # fmt: skip
# The interface's own words (not the posts it shows): headers, labels, buttons, menus.
CHROME = "//th | //label | //button | //nav | //summary | //legend"


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    folder = tmp_path_factory.mktemp("demo") / "desk"
    demo(items=ITEMS, seed=2026, data_dir=folder, password=PASSWORD, serve=False)
    settings = demo_settings(folder, cookie_secure=False)
    db = Database(settings.resolved_database_url())
    ids = _record_ids(db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the demo server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    server.should_exit = True
    thread.join(timeout=10)


def _record_ids(db: Database) -> dict[str, int]:
    """One record of each kind the detail pages show: the biggest event, its first item."""
    with db.reading() as session:
        event = session.scalar(
            select(Item.event_id)
            .where(Item.event_id.is_not(None))
            .group_by(Item.event_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        health = select(Unit.id).where(Unit.name == "市卫生健康委员会").scalar_subquery()
        ids = {
            "event": event,
            "item": session.scalar(select(func.min(Item.id)).where(Item.event_id == event)),
            "rule": session.scalar(select(func.min(WatchRule.id))),
            "case": session.scalar(select(func.min(Case.id)).where(Case.department_id == health)),
            "claim": session.scalar(select(func.min(Claim.id))),
            "report": session.scalar(select(func.max(Report.id))),
        }
    missing = [kind for kind, value in ids.items() if value is None]
    assert missing == [], f"the demo made no {missing}"
    return {kind: int(value) for kind, value in ids.items() if value is not None}


def _chrome_words(page: str) -> set[str]:
    tree = html.fromstring(page)
    chrome = "".join(html.tostring(node, encoding="unicode") for node in tree.xpath(CHROME))
    return foreign_words(f"<div>{chrome}</div>") if chrome else set()


@pytest.mark.parametrize("username", sorted(HOMES))
def test_every_page_a_role_opens_on_the_demo_works_on_a_phone_and_in_chinese(
    browser: Browser, demo_desk: tuple[str, dict[str, int]], username: str
) -> None:
    base, ids = demo_desk
    j = Journey.start(browser, f"demo-{username}", base)
    j.page.goto(f"{base}/login")
    j.fill("input[name=username]", username)
    j.fill("input[name=password]", PASSWORD)
    j.click("button[type=submit]")
    j.page.wait_for_url(lambda url: "/login" not in url)
    assert j.page.url.removeprefix(base) == HOMES[username]
    problems: dict[str, object] = {}
    opened: list[str] = []
    for path in [p.format(**ids) for p in PAGES]:
        j.errors.clear()
        answer = j.page.goto(f"{base}{path}", wait_until="load")
        assert answer is not None
        if answer.status == 403:  # not this role's page: the refusal is tested elsewhere
            continue
        assert answer.status == 200, path
        opened.append(path)
        width = phone_width(j.page)
        found = {
            "errors": [e for e in j.errors if "status of 403" not in e],
            "wider than a phone": width if width > PHONE["width"] else None,
            "English": _chrome_words(j.page.content()),
        }
        if any(found.values()):
            problems[path] = {k: v for k, v in found.items() if v}
    j.finish()
    assert HOMES[username] in opened
    assert problems == {}
