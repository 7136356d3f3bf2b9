"""The views on the demo's own events, in a real browser: the rumour cascade (熏白醋),
the price complaint that spreads from district to district (drawn on the map of the
demo city's generated boundaries, as is the period's), and the question the public
asks more every day with no answer; each figure checked against the records, and the
maps of the 日报 and the 专报 on the complaint too."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import ColumnElement, func, select

from tests.browser.test_desk_loop import log_in
from tests.web.conftest import PASSWORD
from yuqing.config import Settings, load_settings
from yuqing.demo.boundaries import write_demo_boundaries
from yuqing.demo.live import DEMO_CITY_CODE, analyse_demo, load_live
from yuqing.demo.places import UNIT_SPECS
from yuqing.demo.scenario import build_scenario
from yuqing.demo.view_storylines import PRICE_DISTRICTS
from yuqing.desk import voids
from yuqing.reports import workflow as wf
from yuqing.reports.actions import draft_report
from yuqing.reports.render import document_for, render
from yuqing.reports.view_charts import report_chart_png
from yuqing.store.db import Database
from yuqing.store.models import ClaimMatch, Item, ItemPlace
from yuqing.store.types import utcnow
from yuqing.web.periods import resolve_period

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
QUESTION = "解除隔离证明"  # the rising question's subject, in the matching form
TZ = ZoneInfo("Asia/Shanghai")
DISTRICT_NAMES = {
    code: name for _k, name, kind, _p, code in UNIT_SPECS if kind in ("district", "county")
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The demo's settings as `yuqing demo` makes them: its generated map boundaries."""
    folder = tmp_path / "boundaries"
    write_demo_boundaries(folder)
    return load_settings(
        data_dir=tmp_path,
        secret_key="t" * 32,
        city_name="青岚市",
        cookie_secure=False,
        jurisdiction=[DEMO_CITY_CODE],
        map_boundaries_dir=folder,
    )


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
    browser: Browser, live_server: str, web_db: Database, settings: Settings
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
    in_price = district_counts(web_db, Item.event_id == price)
    assert len(in_price) >= 3 and set(mentions) <= {DISTRICT_NAMES[c] for c in in_price}
    _drawn_map(page, in_price, "demo-price-map.png")
    page.screenshot(path=str(_shot("demo-price-views.png")), full_page=True)

    # The period's map: every district the week's items mention, drawn as well.
    with web_db.reading() as session:
        period = resolve_period(session, TZ, None, None)
    in_week = district_counts(
        web_db, Item.published_at >= period.since, Item.published_at < period.until
    )
    page.goto(f"{live_server}/overview/views")
    _drawn_map(page, in_week, "demo-period-map.png")
    assert len(in_week) == len(DISTRICT_NAMES)
    assert errors == []
    _reports_draw_the_maps(web_db, settings, price, in_price)


def district_counts(db: Database, *where: ColumnElement[bool]) -> Counter[str]:
    """Mentions per district of the demo city, as the map counts them: a street or a
    community counts on its district; the city itself is on no district."""
    with db.reading() as session:
        rows = session.execute(
            select(ItemPlace.code, func.count())
            .join(Item, Item.id == ItemPlace.item_id)
            .where(*where)
            .group_by(ItemPlace.code)
        ).all()
    counts: Counter[str] = Counter()
    for code, n in rows:
        if code[:6] in DISTRICT_NAMES:
            counts[code[:6]] += n
    return counts


def _drawn_map(page: Page, expected: Counter[str], shot: str) -> None:
    """The map drawn by ECharts (not the table alone), its regions the records' counts."""
    panel = page.locator("#view-places")
    expect(panel.locator("h2")).to_contain_text("按区县着色")
    expect(page.locator("#view-map canvas")).to_have_count(1)
    box = page.locator("#view-map").bounding_box()
    assert box is not None and box["height"] > 150 and box["width"] > 300
    drawn = page.evaluate(
        """() => window.echarts.getInstanceByDom(document.getElementById('view-map'))
                 .getOption().series[0].data.map((d) => [d.name, d.value])"""
    )
    assert dict(drawn) == {DISTRICT_NAMES[code]: n for code, n in expected.items()}
    page.locator("#view-places").screenshot(path=str(_shot(shot)))


def _reports_draw_the_maps(
    db: Database, settings: Settings, price: int, in_price: Counter[str]
) -> None:
    """The 专报 on the complaint and the 日报 of its day print the map as a picture in
    the DOCX, each region with the records' count."""
    with db.reading() as session:
        day = session.scalar(select(func.max(Item.published_at)).where(Item.event_id == price))
    assert day is not None
    with db.transaction() as session:
        editor = wf.actor_for(session, "editor")
        special = draft_report(session, settings, "special", editor, utcnow(), event_id=price)
        daily = draft_report(
            session, settings, "daily", editor, utcnow(), day=day.astimezone(TZ).date()
        )
        ids = {"special": special.id, "daily": daily.id}
        in_day = (Item.published_at >= daily.window_start, Item.published_at < daily.window_end)
    expected = {"special": in_price, "daily": district_counts(db, *in_day)}
    for kind, report_id in ids.items():
        with db.reading() as session:
            doc = document_for(session, report_id, settings)
        chart = doc.charts["map"]
        assert chart["map"] == DEMO_CITY_CODE and len(chart["codes"]) >= 3, kind
        assert dict(zip(chart["codes"], chart["values"], strict=True)) == expected[kind]
        picture = report_chart_png(chart)
        assert picture is not None
        out = render(doc, "docx")
        with zipfile.ZipFile(io.BytesIO(out.data)) as docx:
            media = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
        assert picture in media, kind  # the map's picture is in the document
        (SHOTS.parent / f"demo-{kind}.docx").write_bytes(out.data)


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
