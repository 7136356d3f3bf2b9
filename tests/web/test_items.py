"""The item list page and the items API: search, filters (those the overview counts by
included), paging, detail, and exports with the same filters."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.web.conftest import T0, login
from yuqing.analyse.topics import Taxonomy
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.config import Settings
from yuqing.store.db import Database
from yuqing.store.models import (
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    RuleHit,
    Source,
    WatchRule,
)
from yuqing.text import matching_form
from yuqing.web import item_search
from yuqing.web.app import create_app
from yuqing.web.item_search import ItemFilters, find_items

TZ = ZoneInfo("Asia/Shanghai")


def listed_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-item-id="(\d+)"', html)]


def test_item_page_lists_newest_first(analyst: TestClient) -> None:
    response = analyst.get("/items")
    assert response.status_code == 200
    assert "信息检索" in response.text
    ids = listed_ids(response.text)
    assert len(ids) == 4 and ids == sorted(ids, reverse=True)


def test_search_across_scripts(analyst: TestClient) -> None:
    for query in ("昆都侖", "昆都仑"):
        assert len(listed_ids(analyst.get("/items", params={"q": query}).text)) == 2
    assert len(listed_ids(analyst.get("/items", params={"q": "疫"}).text)) == 1
    assert len(listed_ids(analyst.get("/items", params={"q": "口罩"}).text)) == 1


def test_htmx_gets_only_the_results(analyst: TestClient) -> None:
    response = analyst.get("/items", params={"q": "口罩"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert len(listed_ids(response.text)) == 1


def test_date_filters_are_local_days(analyst: TestClient) -> None:
    # items are at 09:00–12:00 Beijing time on 2026-11-16
    assert (
        len(
            listed_ids(
                analyst.get("/items", params={"since": "2026-11-16", "until": "2026-11-16"}).text
            )
        )
        == 4
    )
    assert listed_ids(analyst.get("/items", params={"since": "2026-11-17"}).text) == []


def test_bad_date_is_a_clear_error(analyst: TestClient) -> None:
    response = analyst.get("/items", params={"since": "16/11/2026"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.text


def test_item_detail(analyst: TestClient) -> None:
    item_id = listed_ids(analyst.get("/items", params={"q": "口罩"}).text)[0]
    response = analyst.get(f"/items/{item_id}")
    assert "昆都侖區口罩價格上漲" in response.text
    assert analyst.get("/items/999999").status_code == 404


def test_api_items(analyst: TestClient) -> None:
    body = analyst.get("/api/items", params={"q": "昆都侖", "limit": 1}).json()
    assert body["total"] == 2 and len(body["items"]) == 1
    first = body["items"][0]
    assert first["source"] == "青岚日报" and first["script"] == "hant"
    assert analyst.get(f"/api/items/{first['id']}").json()["text"] == "昆都侖區口罩價格上漲"
    assert analyst.get("/api/items", params={"since": "2026-11-16T00:00:00"}).status_code == 400


def test_api_docs_are_served_locally(analyst: TestClient) -> None:
    spec = analyst.get("/api/openapi.json").json()
    assert "/api/items" in spec["paths"]
    page = analyst.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_front_end_libraries_are_served_from_the_app(client: TestClient) -> None:
    """scripts/setup copies them from npm; a page never reaches for a CDN."""
    for asset in ("htmx.min.js", "echarts.min.js", "swagger-ui-bundle.js"):
        response = client.get(f"/static/vendor/{asset}")
        assert response.status_code == 200, f"{asset}: run scripts/setup"
        assert "javascript" in response.headers["content-type"]
    page = client.get("/login").text
    assert '<script src="/static/vendor/htmx.min.js"' in page
    assert "http" not in page.split("<body>")[0].replace("http-equiv", "")


# ---------------------------------------------------------------- the overview's filters


def _analysed(db: Database) -> dict[str, int]:
    """Analysis rows on web_db's four items: places, sentiment, a rule, a claim, an event."""
    with db.transaction() as s:
        items = s.scalars(select(Item).order_by(Item.id)).all()
        rule = WatchRule(name="口罩涨价", query="口罩")
        claim = Claim(text="口罩将停止供应", text_norm="口罩将停止供应", verdict="false")
        other = Claim(text="喝醋防病毒", text_norm="喝醋防病毒", verdict="false")
        event = Event(title="口罩价格", first_seen=T0, last_seen=T0)
        s.add_all([rule, claim, other, event])
        s.flush()
        for item, sentiment in zip(items, ("negative", "negative", "positive", None), strict=True):
            item.sentiment = sentiment
        items[0].is_local = items[1].is_local = True
        items[1].event_id = items[2].event_id = event.id
        s.add_all(
            [
                ItemPlace(item_id=items[0].id, code="990102", name="昆都仑区", level="county"),
                ItemPlace(item_id=items[1].id, code="990102", name="昆都仑区", level="county"),
                ItemPlace(item_id=items[2].id, code="990103", name="青山区", level="county"),
                RuleHit(rule_id=rule.id, item_id=items[1].id, matched_at=T0),
                ClaimMatch(item_id=items[1].id, claim_id=claim.id, score=0.8, rank=1),
                ClaimMatch(
                    item_id=items[2].id, claim_id=claim.id, score=0.6, rank=1, status="rejected"
                ),
                ClaimMatch(item_id=items[3].id, claim_id=other.id, score=0.7, rank=1),
            ]
        )
        ids = [i.id for i in items]
        return {
            "first": ids[0],
            "second": ids[1],
            "third": ids[2],
            "fourth": ids[3],
            "rule": rule.id,
            "claim": claim.id,
            "event": event.id,
        }


@pytest.fixture
def analysed(web_db: Database) -> dict[str, int]:
    return _analysed(web_db)


def test_each_new_filter_lists_exactly_its_items(
    analyst: TestClient, analysed: dict[str, int]
) -> None:
    a = analysed
    expected = {
        (("place", "990102"),): {a["first"], a["second"]},
        (("place", "昆都仑区"),): {a["first"], a["second"]},  # a name stands for its codes
        (("place", "无此地"),): set(),  # a name nobody mentions lists nothing, not everything
        (("local", "1"),): {a["first"], a["second"]},
        (("sentiment", "negative"),): {a["first"], a["second"]},
        (("sentiment", "unanalysed"),): {a["fourth"]},
        (("rule", str(a["rule"])),): {a["second"]},
        (("claim", str(a["claim"])),): {a["second"]},  # the rejected match does not count
        (("event", str(a["event"])),): {a["second"], a["third"]},
        (("event", str(a["event"])), ("sentiment", "positive")): {a["third"]},
        (("place", "990102"), ("q", "口罩")): {a["second"]},  # with the text search too
    }
    for params, ids in expected.items():
        assert set(listed_ids(analyst.get("/items", params=dict(params)).text)) == ids, params


def test_bad_filter_values_are_clear_errors(analyst: TestClient) -> None:
    bad = analyst.get("/items", params={"sentiment": "angry"})
    assert bad.status_code == 400 and "未知的情感倾向：angry" in bad.text
    assert analyst.get("/items", params={"rule": "x"}).status_code == 400


def test_the_form_offers_the_taxonomy_places_rules_and_claims(
    analyst: TestClient, analysed: dict[str, int]
) -> None:
    page = analyst.get("/items", params={"event": analysed["event"]}).text
    topics = re.search(r'<select name="topic".*?</select>', page, re.S)
    assert topics is not None
    offered = re.findall(r'<option value="([^"]*)"', topics.group())
    assert offered == ["", *Taxonomy.default().names]  # not only the topics items carry now
    assert '<option value="990102">昆都仑区</option>' in page
    assert re.search(rf'<option value="{analysed["rule"]}"\s*>口罩涨价</option>', page)
    assert re.search(rf'<option value="{analysed["claim"]}"\s*>口罩将停止供应</option>', page)
    assert "事件：口罩价格" in page and f'name="event" value="{analysed["event"]}"' in page
    assert 'name="local" value="1"' in page


def test_the_place_box_suggests_the_newest_items_places_most_mentioned_first(
    web_db: Database, analysed: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with web_db.reading() as session:
        assert item_search.place_suggestions(session) == [
            ("990102", "昆都仑区"),
            ("990103", "青山区"),
        ]
        # Only the newest items count: the third and fourth (青山区 on the third).
        monkeypatch.setattr(item_search, "PLACE_WINDOW", 2)
        assert item_search.place_suggestions(session) == [("990103", "青山区")]


def test_the_topic_list_follows_the_configured_taxonomy(
    settings: Settings, web_db: Database
) -> None:
    custom = settings.model_copy(update={"topics": {"出行": ["航班"], "校园": ["学校"]}})
    app = create_app(custom, web_db)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        login(client, "analyst")
        page = client.get("/items").text
    topics = re.search(r'<select name="topic".*?</select>', page, re.S)
    assert topics is not None
    assert re.findall(r'<option value="([^"]*)"', topics.group()) == ["", "出行", "校园"]


def test_exports_apply_the_same_filters(analyst: TestClient, analysed: dict[str, int]) -> None:
    page = analyst.get("/items", params={"sentiment": "negative", "local": "1"}).text
    assert 'href="/items/export.csv?sentiment=negative&amp;local=1"' in page
    exported = analyst.get(
        "/items/export.csv", params={"claim": analysed["claim"], "event": analysed["event"]}
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [analysed["second"]]


# ---------------------------------------------------------------- the same on both backends

SENTIMENT_KEYS = st.sampled_from(["", "negative", "positive", "neutral", "unanalysed"])


@settings_hypothesis(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    place=st.sampled_from(["", "990102", "990103", "昆都仑区"]),
    local=st.booleans(),
    sentiment=SENTIMENT_KEYS,
    rule=st.booleans(),
    claim=st.booleans(),
    event=st.booleans(),
    q=st.sampled_from(["", "口罩", "昆"]),
)
def test_any_combination_of_filters_agrees_with_a_direct_query(
    db: Database,
    place: str,
    local: bool,
    sentiment: str,
    rule: bool,
    claim: bool,
    event: bool,
    q: str,
) -> None:
    """The search's SQL (FTS5 or tsvector, then the filters) against plain ORM queries."""
    seeded = _seeded(db)
    filters = ItemFilters(
        q=q,
        place=place,
        local=local,
        sentiment=sentiment,
        rule=seeded["rule"] if rule else None,
        claim=seeded["claim"] if claim else None,
        event=seeded["event"] if event else None,
    )
    with db.reading() as s:
        found = find_items(s, filters.to_query(s, TZ, per_page=1000))
        where = [Item.text_norm.contains(matching_form(q))] if q else []
        codes = {"昆都仑区": "990102"}.get(place, place)
        if codes:
            where.append(Item.id.in_(select(ItemPlace.item_id).where(ItemPlace.code == codes)))
        if local:
            where.append(Item.is_local.is_(True))
        if sentiment:
            value = None if sentiment == "unanalysed" else sentiment
            where.append(Item.sentiment.is_(None) if value is None else Item.sentiment == value)
        if rule:
            where.append(Item.id.in_(select(RuleHit.item_id)))
        if claim:
            matched = select(ClaimMatch.item_id).where(
                ClaimMatch.claim_id == seeded["claim"], ClaimMatch.status != "rejected"
            )
            where.append(Item.id.in_(matched))
        if event:
            where.append(Item.event_id == seeded["event"])
        expected = set(s.scalars(select(Item.id).where(*where)))
    assert {i.id for i in found.items} == expected and found.total == len(expected)


_SEEDED: dict[str, dict[str, int]] = {}


def _seeded(db: Database) -> dict[str, int]:
    """web_db's items and analysis, once per backend for all of hypothesis' examples."""
    key = db.engine.url.render_as_string(hide_password=True)
    with db.reading() as s:
        present = s.scalar(select(func.count()).select_from(Item))
    if not present:  # the first example of this test on this backend
        with db.transaction() as s:
            s.add(Source(name="青岚日报", kind="rss"))
        with db.reading() as s:
            source = SourceInfo.of(s.scalars(select(Source)).one())
        texts = ["昆都仑区核酸检测点排队很长", "昆都侖區口罩價格上漲", "感谢医护人员", "口罩够用"]
        raw = [
            RawItem(body=t, url=f"https://news.example/{i}", published_at=T0 + timedelta(hours=i))
            for i, t in enumerate(texts)
        ]
        ingest(db, source, raw, secret="t" * 32)
        _SEEDED[key] = _analysed(db)
    return _SEEDED[key]
