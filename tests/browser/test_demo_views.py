"""The views on the demo's own events, in a real browser: the rumour cascade (熏白醋),
the price complaint that spreads from district to district, and the question the
public asks more every day with no answer; each figure checked against the records."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import ColumnElement, func, select

from tests.browser.test_desk_loop import log_in
from tests.web.conftest import PASSWORD
from yuqing.demo.live import DEMO_CITY_CODE, analyse_demo, load_live
from yuqing.demo.scenario import build_scenario
from yuqing.demo.view_storylines import PRICE_DISTRICTS
from yuqing.desk import voids
from yuqing.store.db import Database
from yuqing.store.models import ClaimMatch, Item, ItemPlace

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
QUESTION = "解除隔离证明"  # the rising question's subject, in the matching form


@pytest.fixture
def web_db(sqlite_db: Database, tmp_path: Path) -> Database:
    """The demo week (3,000 items) collected and analysed, its accounts' password the
    one the browser logs in with; replaces the web tests' small desk here."""
    scenario = build_scenario(seed=2026, items=3000)
    _, server = load_live(
        sqlite_db,
        scenario,
        folder=tmp_path / "demo",
        secret="t" * 32,
        password=PASSWORD,
        tz=ZoneInfo("Asia/Shanghai"),
    )
    server.shutdown()
    server.server_close()
    analyse_demo(sqlite_db, scenario, [DEMO_CITY_CODE])
    return sqlite_db


def _largest_event(db: Database, *where: ColumnElement[bool]) -> int:
    with db.reading() as session:
        n = func.count().label("n")
        row = session.execute(
            select(Item.event_id, n)
            .where(Item.event_id.is_not(None), *where)
            .group_by(Item.event_id)
            .order_by(n.desc(), Item.event_id)
            .limit(1)
        ).first()
    assert row is not None and row[0] is not None
    return int(row[0])


def _views(page: Page, base: str, event_id: int) -> None:
    page.goto(f"{base}/events/{event_id}")
    expect(page.locator("#event-views-body")).to_be_visible()  # loaded by HTMX


def test_the_demo_events_and_question_show_their_records(
    browser: Browser, live_server: str, web_db: Database
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "analyst", "/questions")

    # The question: asked in the window's newer half more than in its older half.
    with web_db.reading() as session:
        newest = session.scalar(select(func.max(Item.published_at)))
        assert newest is not None
        end = voids.window_end(session, newest)
        middle, since = end - timedelta(hours=36), end - timedelta(hours=72)
        asking = (
            Item.text_norm.contains(QUESTION),
            Item.duplicate_of_id.is_(None),
            Item.author_is_outlet.is_(False),
        )

        def asked(start: datetime, until: datetime) -> int:
            return int(
                session.scalar(
                    select(func.count()).where(
                        *asking, Item.published_at >= start, Item.published_at < until
                    )
                )
                or 0
            )

        recent = asked(middle, end + timedelta(seconds=1))
        earlier = asked(since, middle)
    assert recent > earlier >= 1
    void = page.locator("li.void", has_text=QUESTION)
    expect(void).to_have_count(1)
    expect(void).to_contain_text(
        f"被问 {recent + earlier} 次（近半段 {recent} 次，前半段 {earlier} 次）"
    )
    page.screenshot(path=str(_shot("demo-questions.png")), full_page=True)

    # The rumour cascade: every post of the event, reposts along //@ chains two deep.
    rumour = _largest_event(web_db, Item.id.in_(select(ClaimMatch.item_id)))
    with web_db.reading() as session:
        posts = session.scalar(select(func.count()).where(Item.event_id == rumour))
    _views(page, live_server, rumour)
    facts = page.locator("#spread-facts")
    expect(facts).to_contain_text(f"参与传播{posts} 条")
    depth = re.search(r"最深 (\d+) 层", facts.inner_text())
    assert depth is not None and int(depth.group(1)) >= 2
    expect(page.locator("#view-curve canvas")).to_have_count(1)
    page.screenshot(path=str(_shot("demo-rumour-views.png")), full_page=True)

    # The price complaint: its districts with the mentions the database holds.
    price = _largest_event(web_db, Item.text_norm.contains("布洛芬一盒"))
    with web_db.reading() as session:
        mentions = dict(
            session.execute(
                select(ItemPlace.name, func.count())
                .join(Item, Item.id == ItemPlace.item_id)
                .where(Item.event_id == price, ItemPlace.name.in_(PRICE_DISTRICTS))
                .group_by(ItemPlace.name)
            ).all()
        )
    assert len(mentions) >= 3, mentions  # it spread beyond the district it began in
    _views(page, live_server, price)
    for name, count in mentions.items():
        row = page.locator("#places-table tr", has=page.locator(f"a:text-is('{name}')"))
        expect(row.locator("td.num")).to_have_text(str(count))
    expect(page.locator("#view-cloud canvas")).to_have_count(1)
    page.screenshot(path=str(_shot("demo-price-views.png")), full_page=True)
    assert errors == []


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
