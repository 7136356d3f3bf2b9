"""Spread, places, key terms and unanswered questions on the pages, checked against the
records behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import T0, login
from yuqing.desk.event_views import forget_background
from yuqing.store.db import Database
from yuqing.store.models import (
    Case,
    CaseReply,
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    Source,
    Unit,
)
from yuqing.store.types import utcnow
from yuqing.text import matching_form, pseudonymise

SECRET = "t" * 32
RUMOUR = "今晚有飞机喷洒消毒药水请关好门窗"


def _item(session, source: Source, n: int, text: str, author: str, hours: float, **kw):  # type: ignore[no-untyped-def]
    item = Item(
        source_id=source.id,
        ingest_key=f"v{n}",
        content_hash=f"vh{n}",
        text_original=text,
        text_norm=matching_form(text),
        author=author
        if kw.get("author_is_outlet")
        else pseudonymise(author, SECRET, platform="file"),
        published_at=T0 + timedelta(hours=hours),
        collected_at=T0 + timedelta(hours=hours),
        **kw,
    )
    session.add(item)
    session.flush()
    return item


@pytest.fixture
def rumour_event(web_db: Database) -> int:
    """A rumour cascade: an original, two levels of reposts, a copy, an outlet's debunk,
    a burst in hour 3, places in 包头; a published clarification and an answered case."""
    forget_background()
    with web_db.transaction() as session:
        weibo = Source(name="微博导出", kind="file")
        session.add(weibo)
        session.flush()
        outlet = session.scalars(select(Source).where(Source.name == "青岚日报")).one()
        event = Event(title="飞机喷洒消毒药水", first_seen=T0, last_seen=T0, item_count=0)
        session.add(event)
        session.flush()
        first = _item(session, weibo, 1, RUMOUR, "甲", 0, event_id=event.id)
        _item(session, weibo, 2, f"转发//@甲:{RUMOUR}", "乙", 1, event_id=event.id)
        for i in range(6):  # the burst: six reposts of 乙's repost in hour 3
            _item(
                session,
                weibo,
                10 + i,
                f"真的假的{i}//@乙:转发//@甲:{RUMOUR}",
                f"丙{i}",
                3.1,
                event_id=event.id,
            )
        _item(
            session, weibo, 3, RUMOUR + "！", "丁", 3.5, event_id=event.id, duplicate_of_id=first.id
        )
        debunk = _item(
            session,
            outlet,
            4,
            "青岚日报：网传飞机喷洒消毒药水系谣言",
            "青岚日报",
            4,
            event_id=event.id,
            author_is_outlet=True,
            reposts=30,
            likes=12,
        )
        for item_id in (first.id, debunk.id):
            session.add(ItemPlace(item_id=item_id, code="150203", name="昆都仑区", level="county"))
        session.add(ItemPlace(item_id=first.id, code="150204", name="青山区", level="county"))
        claim = Claim(
            text="飞机喷洒消毒药水",
            text_norm="飞机喷洒消毒药水",
            verdict="false",
            clarification="没有飞机喷洒消毒药水的安排",
            authority="市卫健委",
            published=True,
            published_at=T0 + timedelta(hours=5),
        )
        session.add(claim)
        session.flush()
        session.add(ClaimMatch(item_id=first.id, claim_id=claim.id, score=0.9, rank=1))
        health = session.scalars(select(Unit).where(Unit.name == "市卫生健康委员会")).one()
        case = Case(
            title="核实喷洒消毒传言",
            event_id=event.id,
            department_id=health.id,
            deadline=T0 + timedelta(days=1),
        )
        session.add(case)
        session.flush()
        session.add(CaseReply(case_id=case.id, body="经核实无此安排"))
        return event.id


def test_the_event_views_show_the_cascade_turns_outlets_and_responses(
    client: TestClient, web_db: Database, rumour_event: int
) -> None:
    login(client, "analyst")
    event_page = client.get(f"/events/{rumour_event}").text
    assert f'hx-get="/events/{rumour_event}/views"' in event_page  # loaded into the page
    page = client.get(f"/events/{rumour_event}/views")
    assert page.status_code == 200
    html = page.text
    with web_db.reading() as session:
        posts = session.scalar(select(func.count()).where(Item.event_id == rumour_event))
        first = session.scalars(
            select(Item).where(Item.event_id == rumour_event).order_by(Item.published_at)
        ).first()
    assert first is not None and posts == 10
    assert f'href="/items/{first.id}">查看首发信息' in html
    assert f"参与传播</dt><dd>{posts} 条：转发 7 条，副本 1 条" in html
    # 乙 (level 1), 丁's copy (level 1), six 丙 (level 2).
    assert "最深 2 层，最宽一层 6 个账号（各层：2、6）" in html
    assert "<td>分支 1</td>" in html and '<td class="num">7</td>' in html  # 乙 and the six
    assert '<td>青岚日报</td><td class="num">1</td><td class="num">42</td>' in html
    assert "<strong>拐点</strong> 7 条" in html  # hour 3: the six reposts and 丁's copy
    assert "<strong>辟谣发布</strong>" in html and "<strong>督办立案</strong>" in html
    assert "<strong>部门答复</strong>" in html
    for name in ("甲", "乙", "丙0"):  # no account is ever listed
        assert pseudonymise(name, SECRET, platform="file") not in html
    # The map: two districts of 包头市, drawn from the registry's boundaries.
    assert '"map": "150200"' in html and "/maps/150200.json" in html
    geo = client.get("/maps/150200.json")
    assert geo.status_code == 200 and "昆都仑区" in {
        f["properties"]["name"] for f in geo.json()["features"]
    }
    assert client.get("/maps/..%2Fsecret.json").status_code == 404
    assert (
        '<a href="/items?place=150203">昆都仑区</a></td><td>150203</td><td class="num">2</td>'
        in html
    )
    # Key terms link to their items.
    assert "关键词" in html and "/items?q=" in html

    api = client.get(f"/api/events/{rumour_event}/spread").json()
    assert api["cascade"]["levels"] == [2, 6] and api["total"] == posts
    assert [r["kind"] for r in api["responses"]] == ["辟谣发布", "督办立案", "部门答复"] or {
        r["kind"] for r in api["responses"]
    } == {"辟谣发布", "督办立案", "部门答复"}
    assert api["outlets"][0] == {
        "outlet": "青岚日报",
        "posts": 1,
        "reach": 42,
        "first_at": api["outlets"][0]["first_at"],
    }


def test_the_period_views_list_places_and_terms(client: TestClient, rumour_event: int) -> None:
    login(client, "analyst")
    html = client.get("/overview/views?since=2026-11-16&until=2026-11-17").text
    assert "地域分布" in html and "150203" in html
    assert "测试市" not in [row for row in html.split("<td>") if row.startswith("测试")]


def test_a_rising_question_is_listed_until_answered_and_drafts_a_factcheck(
    client: TestClient, web_db: Database
) -> None:
    now = utcnow()
    with web_db.transaction() as session:
        source = Source(name="本地论坛", kind="web")
        session.add(source)
        session.flush()
        asks = [
            "隔离期间怎么买药？",
            "隔离期间去哪里买药",
            "请问隔离期间怎么买药",
            "隔离期间怎么买药啊？",
        ]
        for i, text in enumerate(asks):
            session.add(
                Item(
                    source_id=source.id,
                    ingest_key=f"q{i}",
                    content_hash=f"qh{i}",
                    text_original=text,
                    text_norm=matching_form(text),
                    published_at=now - timedelta(hours=2 + i),
                    collected_at=now - timedelta(hours=1),
                )
            )
    login(client, "analyst")
    html = client.get("/questions").text
    assert "隔离期间怎么买药" in html and "被问 4 次（近半段 4 次，前半段 0 次）" in html
    key = html.split('data-void="')[1].split('"')[0]
    made = client.post(f"/questions/{key}/factcheck")
    assert made.status_code == 303
    with web_db.reading() as session:
        claim = session.scalars(select(Claim).order_by(Claim.id.desc())).first()
        assert claim is not None and not claim.published and claim.verdict == "unverified"
        assert "买药" in claim.text
    # Answered once a clarification covering it is published.
    with web_db.transaction() as session:
        session.add(
            Claim(
                text="隔离期间买药",
                text_norm="隔离期间买药",
                verdict="true",
                clarification="隔离期间买药请联系社区网格员代购",
                authority="市卫健委",
                published=True,
                published_at=now,
            )
        )
    assert "隔离期间怎么买药" not in client.get("/questions").text
