"""The desk's side of issue 14: alerts an analyst can read, watch rules in the web,
the rule language in the search box with marked results, responders' view of the
original post and its attachments, and the public clarification page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.demo.desk_setup import clarification_text
from yuqing.demo.rumours import STORYLINES
from yuqing.desk import cases
from yuqing.store.alerts import raise_alert
from yuqing.store.db import Database
from yuqing.store.models import Claim, Item, RuleHit, Subscription, Unit, User, WatchRule
from yuqing.store.types import utcnow

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _spikes(db: Database, count: int) -> None:
    start = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
    with db.transaction() as session:
        for n in range(count):
            begin = start - timedelta(hours=n)
            detail = {
                "dimension": "place",
                "key": "990102",
                "label": "昆都仑区",
                "count": 8,
                "peak": 8,
                "baseline_per_hour": 0.5,
                "window_start": begin.isoformat(),
                "window_end": (begin + timedelta(hours=1)).isoformat(),
            }
            raise_alert(
                session,
                kind="spike",
                title=f"地区“昆都仑区” 第{n}时段",
                dedupe_key=f"spike:place:990102:{n}",
                detail=detail,
                severity="major",
                at=begin + timedelta(hours=1),
            )
        raise_alert(session, kind="source_silent", title="青岚日报 沉默", dedupe_key="s:1")


def test_alerts_are_grouped_paged_in_chinese_and_lead_to_their_items(
    analyst: TestClient, web_db: Database
) -> None:
    _spikes(web_db, 55)
    page = analyst.get("/alerts").text
    assert "热度突增·地区 <small>55</small>" in page and "信息源沉默 <small>1</small>" in page
    assert "较大" in page and ">major<" not in page
    assert "第 1 / 2 页" in page and "page=2" in page
    links = re.findall(r'class="alert-items" href="([^"]+)"', page)
    assert links[0] == (
        "/items?place=990102&amp;after=2026-11-22T06%3A00%3A00%2B00%3A00"
        "&amp;before=2026-11-22T07%3A00%3A00%2B00%3A00"
    )
    only_place = analyst.get("/alerts?dimension=place&page=2").text
    assert only_place.count('class="alert-items"') == 5 and "青岚日报 沉默" not in only_place
    assert analyst.get("/alerts?kind=source_silent").text.count("data-alert-id") == 1
    # The window link lists the items of that hour only (the fixture's are on 11-16).
    listed = analyst.get(links[0].replace("&amp;", "&")).text
    assert 'id="total">0<' in listed
    assert analyst.get("/alerts?dimension=nowhere").status_code == 400


def test_the_local_outbox_is_named_by_its_file_not_the_servers_folders(
    analyst: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        session.add(Subscription(channel="outbox", target="/srv/yuqing/data/alerts-outbox.jsonl"))
    page = analyst.get("/alerts").text
    assert "alerts-outbox.jsonl" in page and "/srv/yuqing" not in page


def test_the_search_box_takes_the_rule_language_and_marks_what_it_found(
    analyst: TestClient,
) -> None:
    plain = analyst.get("/items?q=口罩").text
    assert "<mark>口罩</mark>" in plain  # the traditional 口罩價格 too: 口罩 is the same
    rule = analyst.get("/items", params={"q": "(核酸 OR 口罩) -感谢"}).text
    assert 'id="rule-mode"' in rule and 'id="total">2<' in rule
    assert "<mark>核酸</mark>" in rule
    assert 'id="total">0<' in analyst.get("/items", params={"q": "核酸 AND -核酸"}).text
    broken = analyst.get("/items", params={"q": "口罩 AND ("})
    assert broken.status_code == 200
    assert "检索式有误" in broken.text and "^" in broken.text


def test_an_analyst_writes_tries_saves_and_disables_a_watch_rule(
    analyst: TestClient, web_db: Database
) -> None:
    preview = analyst.get("/rules/preview", params={"query": "口罩 OR 核酸"}).text
    assert 'id="rule-hits">2<' in preview and "<mark>" in preview
    wrong = analyst.get("/rules/preview", params={"query": "口罩 NEAR/x 价格"}).text
    assert "规则有误" in wrong and "^" in wrong
    saved = analyst.post(
        "/rules", data={"name": "口罩与核酸", "query": "口罩 OR 核酸", "raises_alert": "1"}
    )
    assert saved.status_code == 303 and "saved=rule" in saved.headers["location"]
    with web_db.reading() as session:
        rule = session.scalar(select(WatchRule).where(WatchRule.name == "口罩与核酸"))
        assert rule is not None and rule.raises_alert
        hits = session.scalars(select(RuleHit.item_id).where(RuleHit.rule_id == rule.id)).all()
        assert len(hits) == 2
    assert "口罩与核酸" in analyst.get("/rules").text
    analyst.post(f"/rules/{rule.id}/active", data={"enabled": "0"})
    with web_db.reading() as session:
        assert session.get(WatchRule, rule.id).enabled is False  # type: ignore[union-attr]
    assert analyst.post("/rules", data={"name": "坏", "query": "(口罩"}).status_code == 400


def test_signers_read_rules_but_do_not_change_them(client: TestClient) -> None:
    login(client, "signer")
    assert client.get("/rules").status_code == 200
    assert client.post("/rules", data={"name": "x", "query": "口罩"}).status_code == 403


def test_a_responder_sees_the_original_post_image_previews_and_readable_sizes(
    client: TestClient, web_db: Database, settings: object
) -> None:
    with web_db.transaction() as session:
        item = session.scalar(select(Item).order_by(Item.id))
        health = session.scalar(select(Unit).where(Unit.name == "市卫生健康委员会"))
        analyst = session.scalar(select(User).where(User.username == "analyst"))
        assert item and health and analyst
        case = cases.open_case(
            session,
            analyst.id,
            title="请核实排队情况",
            department_id=health.id,
            deadline=utcnow() + timedelta(days=1),
            item_id=item.id,
        )
        case_id, text = case.id, item.text_original
    login(client, "responder")
    page = client.get(f"/cases/{case_id}").text
    assert 'id="original"' in page and text in page
    sent = client.post(
        f"/cases/{case_id}/reply",
        data={"body": "已现场核实"},
        files=[
            ("files", ("现场.png", PNG, "image/png")),
            ("files", ("说明.txt", b"nineteen bytes here", "text/plain")),
        ],
    )
    assert sent.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert "19 字节" in page and "0.0 KB" not in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == 1
    shown = client.get(images[0])
    assert shown.status_code == 200 and shown.headers["content-disposition"].startswith("inline")
    text_link = re.search(r'href="(/cases/\d+/attachments/\d+)">说明.txt', page)
    assert text_link is not None
    inline_text = client.get(text_link.group(1) + "?inline=1")
    assert inline_text.headers["content-disposition"].startswith("attachment")


def test_the_public_page_carries_the_issuing_authority_not_the_desk(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        session.add(
            Claim(
                text="喝白酒防病毒",
                text_norm="喝白酒防病毒",
                verdict="false",
                clarification="饮酒不能预防感染。",
                authority="测试市卫生健康委员会",
                published=True,
                published_at=utcnow(),
            )
        )
    page = client.get("/clarifications").text
    assert "测试市卫生健康委员会" in page and "辟谣与权威澄清" in page
    assert "舆情信息工作平台" not in page


def test_demo_clarifications_carry_their_dates_not_placeholders() -> None:
    day = datetime(2026, 11, 16).date()
    for storyline in STORYLINES:
        text = clarification_text(storyline.debunk_body, day)
        assert "{" not in text and "}" not in text
    assert any("11月16日" in clarification_text(s.debunk_body, day) for s in STORYLINES)
