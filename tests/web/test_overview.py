"""The overview, the events pages, an item's analysis and /api/overview.

Most tests read one analysed demo week (300 items) loaded once into its own SQLite
database: the demo's accounts and units would collide with ``web_db``'s. The item
analysis and access tests use ``web_db`` with analysis rows written directly.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import Databases
from tests.web.conftest import login
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.config import load_settings
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import (
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    ItemTopic,
    Role,
    RuleHit,
    WatchRule,
)
from yuqing.web import overview_data
from yuqing.web.app import create_app
from yuqing.web.event_data import event_detail
from yuqing.web.overview_data import Count, overview, top_places, topic_counts, volume
from yuqing.web.periods import Period

TZ = ZoneInfo("Asia/Shanghai")
CHARTS = ("volume", "events", "topics", "sentiment", "places", "rules")


@dataclass
class Demo:
    client: TestClient
    db: Database
    period: Period


@pytest.fixture(scope="module")
def demo(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    db = databases.empty("sqlite")
    upgrade(db)
    scenario = build_scenario(seed=3, items=300)
    load_scenario(db, scenario, secret="a" * 32, password="demo-password")
    with db.transaction() as session:
        seed_desk(session, scenario.start.date())
    with db.reading() as session:
        context = build_context(session, jurisdiction=["990200"])
    analyse(db, context)
    with db.reading() as session:
        newest = session.scalar(select(func.max(Item.published_at)))
    assert newest is not None
    last = newest.astimezone(TZ).date()
    settings = load_settings(
        data_dir=Path(tmp_path_factory.mktemp("demo")), secret_key="d" * 32, city_name="青岚市"
    )
    app = create_app(settings, db)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        login(client, "analyst", "demo-password")
        yield Demo(client, db, Period(last - timedelta(days=6), last, TZ))


def chart_data(page: str) -> dict[str, Any]:
    blocks = re.findall(
        r'<script type="application/json" id="chart-(\w+)-data">(.*?)</script>', page
    )
    return {name: json.loads(body) for name, body in blocks}


def listed_total(client: TestClient, link: str) -> int:
    match = re.search(r'id="total">(\d+)<', client.get(link).text)
    assert match, link
    return int(match.group(1))


def in_period(period: Period) -> tuple[Any, Any]:
    return Item.published_at >= period.since, Item.published_at < period.until


# ---------------------------------------------------------------- the overview


def test_overview_draws_every_chart_with_a_table_beneath(demo: Demo) -> None:
    response = demo.client.get("/overview")
    assert response.status_code == 200
    page = response.text
    charts = chart_data(page)
    assert set(charts) == set(CHARTS)
    for name in CHARTS:
        assert f'id="chart-{name}" data-chart="chart-{name}-data"' in page
        assert charts[name]["labels"], name
    assert page.count("<table") >= len(CHARTS)
    assert '<script src="/static/charts.js"></script>' in page
    assert demo.client.get("/static/charts.js").status_code == 200
    assert "onclick" not in page and "style=" not in page
    assert f"{demo.period.first_day} 至 {demo.period.last_day}" in page
    assert len(charts["volume"]["labels"]) == 7  # a week: one bar a day


def test_overview_numbers_match_direct_queries(demo: Demo) -> None:
    charts = chart_data(demo.client.get("/overview").text)
    period = demo.period
    with demo.db.reading() as s:
        total = s.scalar(select(func.count()).where(*in_period(period)))
        by_sentiment = dict(
            s.execute(
                select(Item.sentiment, func.count())
                .where(*in_period(period))
                .group_by(Item.sentiment)
            ).all()
        )
        by_topic = dict(
            s.execute(
                select(Item.topic, func.count())
                .where(*in_period(period), Item.topic.is_not(None))
                .group_by(Item.topic)
            ).all()
        )
        hot = s.scalars(
            select(Event.id)
            .where(Event.merged_into_id.is_(None), Event.first_seen < period.until)
            .where(Event.last_seen >= period.since)
            .order_by(Event.heat.desc(), Event.id.desc())
            .limit(10)
        ).all()
        rule_hits = dict(
            s.execute(
                select(WatchRule.name, func.count())
                .join(RuleHit, RuleHit.rule_id == WatchRule.id)
                .join(Item, Item.id == RuleHit.item_id)
                .where(*in_period(period))
                .group_by(WatchRule.name)
            ).all()
        )
        waiting = s.scalar(select(func.count()).where(ClaimMatch.status == "candidate"))
    volume_chart = charts["volume"]
    assert sum(sum(series["data"]) for series in volume_chart["series"]) == total == 300
    labels = {"正面": "positive", "负面": "negative", "中性": "neutral"}
    pie = dict(zip(charts["sentiment"]["labels"], charts["sentiment"]["values"], strict=True))
    assert {labels[k]: v for k, v in pie.items()} == by_sentiment
    topics = dict(zip(charts["topics"]["labels"], charts["topics"]["values"], strict=True))
    assert topics == by_topic
    assert charts["events"]["links"] == [f"/events/{i}" for i in hot]
    rules = dict(zip(charts["rules"]["labels"], charts["rules"]["values"], strict=True))
    assert {k: v for k, v in rules.items() if v} == rule_hits and sum(rule_hits.values()) > 0
    page = demo.client.get("/overview").text
    assert re.search(rf'id="fig-claims"><strong>{waiting}</strong>', page)
    assert waiting and f'id="fig-total" href="{html.escape(period.items_link())}"' in page


def test_tables_show_the_chart_numbers_with_the_same_links(demo: Demo) -> None:
    page = demo.client.get("/overview").text
    charts = chart_data(page)
    for name in ("topics", "places", "rules", "sentiment"):
        chart = charts[name]
        for label, value, link in zip(
            chart["labels"], chart["values"], chart["links"], strict=True
        ):
            cell = f'<a href="{html.escape(link)}">{label}</a>' if link else label
            assert f'{cell}</td><td class="num">{value}</td>' in page, (name, label)
    for link in charts["volume"]["links"]:
        assert f'href="{html.escape(link)}"' in page


def test_chart_links_lead_to_the_items_counted(demo: Demo) -> None:
    charts = chart_data(demo.client.get("/overview").text)
    period = demo.period
    topics = charts["topics"]
    query = parse_qs(urlsplit(topics["links"][0]).query)
    assert query == {
        "topic": [topics["labels"][0]],
        "since": [period.first_day.isoformat()],
        "until": [period.last_day.isoformat()],
    }
    assert listed_total(demo.client, topics["links"][0]) == topics["values"][0]
    days = charts["volume"]
    busiest = max(range(7), key=lambda i: sum(s["data"][i] for s in days["series"]))
    day_query = parse_qs(urlsplit(days["links"][busiest]).query)
    assert day_query["since"] == day_query["until"]
    assert listed_total(demo.client, days["links"][busiest]) == sum(
        s["data"][busiest] for s in days["series"]
    )
    places = charts["places"]
    with demo.db.reading() as s:
        assert [c.label for c in top_places(s, period)] == places["labels"]
        codes = [c.key for c in top_places(s, period)]
    assert [parse_qs(urlsplit(link).query)["place"] for link in places["links"]] == [
        [code] for code in codes
    ]


@pytest.mark.parametrize("name", ["places", "rules", "sentiment"])
def test_every_place_rule_and_sentiment_leads_to_exactly_the_items_it_counts(
    demo: Demo, name: str
) -> None:
    """These links used to fall back to a text search; now each has its own filter."""
    chart = chart_data(demo.client.get("/overview").text)[name]
    assert chart["links"] and all(chart["links"])
    assert any(chart["values"])
    for label, value, link in zip(chart["labels"], chart["values"], chart["links"], strict=True):
        assert "q=" not in link
        assert listed_total(demo.client, link) == value, (name, label)


def test_a_single_day_is_drawn_by_the_hour(demo: Demo) -> None:
    day = demo.period.last_day.isoformat()
    charts = chart_data(demo.client.get("/overview", params={"since": day, "until": day}).text)
    volume_chart = charts["volume"]
    assert len(volume_chart["labels"]) == 24 and volume_chart["labels"][0].endswith("00:00")
    assert set(volume_chart["links"]) == {f"/items?since={day}&until={day}"}


def test_bad_periods_are_clear_errors(demo: Demo) -> None:
    assert demo.client.get("/overview", params={"since": "16/11/2026"}).status_code == 400
    response = demo.client.get("/overview", params={"since": "2026-11-20", "until": "2026-11-18"})
    assert response.status_code == 400 and "晚于" in response.text
    assert demo.client.get("/api/overview", params={"since": "x"}).status_code == 400


def test_api_overview_returns_the_figures(demo: Demo) -> None:
    body = demo.client.get("/api/overview").json()
    charts = chart_data(demo.client.get("/overview").text)
    assert body["period"]["first_day"] == demo.period.first_day.isoformat()
    assert body["total"] == 300 and len(body["volume"]) == 7
    assert [t["count"] for t in body["topics"]] == charts["topics"]["values"]
    assert [e["link"] for e in body["events"]] == charts["events"]["links"]
    assert [p["label"] for p in body["places"]] == charts["places"]["labels"]
    assert body["fact_checks"]["waiting"] >= body["fact_checks"]["in_period"] > 0
    assert 0 < body["local_share"] <= 1


def test_the_waiting_fact_checks_count_stops_at_the_cap(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = demo.client.get("/api/overview").json()["fact_checks"]
    assert body["waiting_capped"] is False and body["waiting"] > 2
    monkeypatch.setattr(overview_data, "WAITING_CAP", 2)
    capped = demo.client.get("/api/overview").json()["fact_checks"]
    assert capped["waiting"] == 2 and capped["waiting_capped"] is True
    assert capped["in_period"] == body["in_period"]  # the period's count is exact
    assert 'id="fig-claims"><strong>2+</strong>' in demo.client.get("/overview").text


# ---------------------------------------------------------------- events


def test_events_list_is_sorted_by_heat_and_paged(demo: Demo) -> None:
    page = demo.client.get("/events").text
    ids = [int(i) for i in re.findall(r'data-event-id="(\d+)"', page)]
    with demo.db.reading() as s:
        heats = {e.id: e.heat for e in s.scalars(select(Event).where(Event.id.in_(ids)))}
    assert len(ids) == 20
    assert [heats[i] for i in ids] == sorted(heats.values(), reverse=True)
    second = demo.client.get("/events", params={"page": 2}).text
    assert not set(re.findall(r'data-event-id="(\d+)"', second)) & {str(i) for i in ids}


def test_event_page_lists_originals_with_their_copies(demo: Demo) -> None:
    with demo.db.reading() as s:
        event_id = s.scalar(
            select(Item.event_id)
            .where(Item.event_id.is_not(None), Item.copy_count > 0)
            .order_by(Item.id)
            .limit(1)
        )
        assert event_id is not None
        members = s.execute(
            select(Item.id, Item.duplicate_of_id, Item.copy_count).where(Item.event_id == event_id)
        ).all()
        title = s.get(Event, event_id).title  # type: ignore[union-attr]
    ids = {m.id for m in members}
    originals = {m.id for m in members if m.duplicate_of_id is None or m.duplicate_of_id not in ids}
    response = demo.client.get(f"/events/{event_id}")
    assert response.status_code == 200
    page = response.text
    assert html.escape(title) in page and "chart-event-data" in page
    listed = [int(i) for i in re.findall(r'data-item-id="(\d+)"', page)]
    assert set(listed) == originals
    for m in members:
        if m.id in originals and m.copy_count:
            assert f'data-copies-of="{m.id}">↳ 另有 {m.copy_count} 条' in page
    assert demo.client.get("/events/999999").status_code == 404


# ---------------------------------------------------------------- one item's analysis


def _analysed(db: Database) -> tuple[int, int, int]:
    """Give two of web_db's items analysis results; returns (item, its copy, event)."""
    with db.transaction() as s:
        first, second = s.scalars(select(Item).order_by(Item.id).limit(2)).all()
        event = Event(
            title="口罩价格上涨引关注",
            first_seen=first.published_at,
            last_seen=second.published_at,
            item_count=2,
            source_count=1,
            places=["990102"],
            topics=["物价"],
            heat=12.5,
            trend="up",
        )
        rule = WatchRule(name="口罩涨价", query="口罩 AND 涨价")
        claim = Claim(text="口罩将停止供应", text_norm="口罩将停止供应", verdict="false")
        s.add_all([event, rule, claim])
        s.flush()
        first.topic, first.sentiment, first.emotion = "物价", "negative", "angry"
        first.sentiment_score, first.is_local, first.event_id = -0.6, True, event.id
        first.copy_count, first.analysed_stages = 1, 63
        first.pii, first.privacy_lead = {"mobile": 2, "id_card": 1}, True
        second.duplicate_of_id, second.duplicate_kind, second.event_id = first.id, "near", event.id
        s.add_all(
            [
                ItemTopic(item_id=first.id, topic="物价", score=0.75, origin="seeds"),
                ItemTopic(item_id=first.id, topic="物资供应", score=0.64, origin="model"),
                ItemPlace(item_id=first.id, code="990102", name="昆都仑区", level="county"),
                RuleHit(rule_id=rule.id, item_id=first.id, matched_at=datetime.now(UTC)),
                ClaimMatch(item_id=first.id, claim_id=claim.id, score=0.81, rank=1),
            ]
        )
        return first.id, second.id, event.id


def test_item_page_shows_its_analysis(analyst: TestClient, web_db: Database) -> None:
    item_id, copy_id, event_id = _analysed(web_db)
    page = analyst.get(f"/items/{item_id}").text
    section = page.split('id="analysis"')[1].split("</section>")[0]
    for text in (
        "物价",
        "关键词 ",
        "物资供应",
        "模型 0.64",
        "负面",
        "愤怒",
        "昆都仑区",
        "涉我",
        f'href="/events/{event_id}"',
        "口罩价格上涨引关注",
        "口罩涨价",
        "谣言",
        "口罩将停止供应",
        '<span class="match-tier">高度匹配</span> 0.81 · <span class="match-status">待核对</span>',
        "另有 1 条副本",
        "疑似个人信息泄露",
        "手机号 2 处",
        "身份证号 1 处",
    ):
        assert text in section, text
    copy = analyst.get(f"/items/{copy_id}").text.split('id="analysis"')[1]
    assert f'副本（高度相似），原发 <a href="/items/{item_id}">' in copy
    untouched = analyst.get(f"/items/{copy_id + 1}").text.split('id="analysis"')[1]
    assert "尚未分析" in untouched and "未分析" in untouched


def test_overview_before_any_analysis(analyst: TestClient) -> None:
    page = analyst.get("/overview").text
    assert re.search(r'id="fig-total" href="[^"]*"><strong>4</strong>', page)
    assert chart_data(page)["sentiment"]["labels"] == ["未分析"]
    assert analyst.get("/events").status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICER, Role.RESPONDER])
def test_field_roles_cannot_see_the_overview(client: TestClient, role: Role) -> None:
    login(client, role.value)
    for path in ("/overview", "/events", "/events/1", "/api/overview"):
        assert client.get(path).status_code == 403, path


# ---------------------------------------------------------------- both backends


def test_hour_buckets_on_both_backends(db: Database) -> None:
    """Hours are truncated in SQL the same on SQLite and PostgreSQL, shown in local time."""
    base = datetime(2026, 11, 16, 9, 0, tzinfo=TZ)  # 01:00 UTC
    offsets = [
        timedelta(minutes=5),
        timedelta(minutes=55),
        timedelta(hours=2, minutes=1),
        timedelta(hours=15, minutes=30),
    ]  # the last is 00:30 the next local day
    with db.transaction() as s:
        event = Event(title="口罩", first_seen=base, last_seen=base + offsets[-1])
        s.add(event)
        s.flush()
        items: list[Item] = []
        for n, offset in enumerate(offsets):
            item = Item(
                ingest_key=f"k{n}",
                content_hash=f"h{n}",
                text_original="口罩",
                text_norm="口罩",
                published_at=base + offset,
                collected_at=base + offset,
                sentiment=("negative", "positive")[n % 2],
                topic="物价",
                is_local=n < 2,
                event_id=event.id,
                duplicate_of_id=items[0].id if n == 1 else None,
            )
            s.add(item)
            s.flush()
            items.append(item)
            s.add(ItemPlace(item_id=item.id, code="990102", name="昆都仑区", level="county"))
        event_id, copy_id = event.id, items[1].id
    day = Period(date(2026, 11, 16), date(2026, 11, 16), TZ)
    week = Period(date(2026, 11, 11), date(2026, 11, 17), TZ)
    with db.reading() as s:
        hours = volume(s, day)
        days = volume(s, week)
        assert topic_counts(s, week)[0].count == 4 and top_places(s, day)[0].count == 3
        whole = overview(s, week)
        detail = event_detail(s, event_id, TZ)
    busy = {b.label: b.counts for b in hours.buckets if b.total}
    assert busy == {"11-16 09:00": {"negative": 1, "positive": 1}, "11-16 11:00": {"negative": 1}}
    assert hours.local == 2 and len(hours.buckets) == 24
    assert [b.total for b in days.buckets] == [0, 0, 0, 0, 0, 3, 1]
    assert whole.volume.total == 4 and [e.id for e in whole.events] == [event_id]
    assert whole.places == [Count("990102", "昆都仑区", 4, week.items_link(place="990102"))]
    assert detail is not None and detail.volume.hourly and detail.volume.total == 4
    assert detail.listed == 3 and copy_id not in {i.id for i in detail.items}
