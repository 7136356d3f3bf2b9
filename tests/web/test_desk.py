"""The desk loop through the API and the pages: a rumour matched to a claim, verified, routed
to a department, answered, closed and clarified; the public feed updates. Responders see only
their own department's cases; exports carry their filters and are audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from tests.web.conftest import PASSWORD, login
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Claim, ClaimMatch, Item, Role, Unit
from yuqing.store.types import utcnow
from yuqing.text import matching_form

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def desk(web_db: Database) -> dict[str, int]:
    """A claim matched to the first item, and a second department with its own responder."""
    with web_db.transaction() as session:
        city = session.scalar(select(Unit).where(Unit.kind == "city"))
        market = add_unit(session, "市市场监督管理局", "department", parent=city)
        add_user(
            session,
            "responder_market",
            PASSWORD,
            unit=market,
            grants=[Grant(Role.RESPONDER, market.id)],
        )
        claim = Claim(
            text="核酸检测点有病毒", text_norm=matching_form("核酸检测点有病毒"), verdict="false"
        )
        session.add(claim)
        session.flush()
        item = session.scalar(select(Item).order_by(Item.id))
        assert item is not None
        session.add(ClaimMatch(item_id=item.id, claim_id=claim.id, score=0.7, rank=1))
        health = session.scalar(select(Unit.id).where(Unit.name == "市卫生健康委员会"))
        assert health is not None
        return {"item": item.id, "claim": claim.id, "health": health, "market": market.id}


def test_the_whole_loop_through_the_api(client: TestClient, desk: dict[str, int]) -> None:
    item, claim = desk["item"], desk["claim"]
    login(client, "analyst")
    assert client.post(f"/api/desk/items/{item}/lock").status_code == 200
    answer = client.post(f"/api/desk/items/{item}/claims/{claim}", json={"confirm": True})
    assert answer.json()["status"] == "confirmed"
    page = client.get(f"/items/{item}").text
    assert "核酸检测点有病毒" in page and "已确认" in page
    client.post(f"/api/desk/items/{item}/triage", json={"status": "verified", "severity": "major"})
    deadline = (utcnow() + timedelta(days=1)).isoformat()
    case = client.post(
        "/api/desk/cases",
        json={
            "title": "核酸检测点有病毒的谣言",
            "department_id": desk["health"],
            "deadline": deadline,
            "item_id": item,
        },
    ).json()
    client.post("/logout")

    login(client, "responder")
    assert [c["id"] for c in client.get("/api/desk/cases").json()] == [case["id"]]
    reply = client.post(
        f"/api/desk/cases/{case['id']}/replies", json={"body": "检测点每日消杀，病毒传言不实。"}
    )
    assert reply.status_code == 201
    client.post("/logout")

    login(client, "analyst")
    closed = client.post(f"/api/desk/cases/{case['id']}/close", json={"outcome": "已答复并辟谣"})
    assert closed.json()["status"] == "closed"
    made = client.post(
        "/api/desk/factchecks",
        json={
            "text": "核酸检测点有病毒",
            "verdict": "false",
            "case_id": case["id"],
            "clarification": "检测点每日消杀，病毒传言不实。",
            "authority": "市卫生健康委员会",
        },
    ).json()
    assert client.post(f"/api/desk/factchecks/{made['id']}/publish").json()["published"]
    client.post("/logout")

    feed = etree.fromstring(client.get("/clarifications/feed.xml").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["【谣言】核酸检测点有病毒"]
    data = client.get("/clarifications.json").json()["clarifications"]
    assert data[0]["clarification"] == "检测点每日消杀，病毒传言不实。"
    assert "核酸检测点有病毒" in client.get(f"/clarifications/{made['id']}").text


def test_the_loop_through_the_pages(client: TestClient, desk: dict[str, int]) -> None:
    item = desk["item"]
    login(client, "analyst")
    assert client.post(f"/items/{item}/lock").status_code == 303
    assert "开始研判" not in client.get(f"/items/{item}").text  # the holder sees 释放锁定
    client.post(f"/items/{item}/claims/{desk['claim']}", data={"decision": "confirm"})
    client.post(f"/items/{item}/triage", data={"status": "verified", "tag": "谣言", "note": "已核"})
    form = client.get(f"/cases/new?item_id={item}").text
    assert "市卫生健康委员会" in form
    due = (utcnow() + timedelta(days=2)).date().isoformat()
    made = client.post(
        "/cases",
        data={
            "title": "核酸谣言",
            "department_id": desk["health"],
            "deadline": due,
            "item_id": str(item),
        },
    )
    case_url = made.headers["location"]
    client.post("/logout")
    login(client, "responder")
    assert "核酸谣言" in client.get("/my/cases").text
    sent = client.post(
        f"{case_url}/reply",
        data={"body": "已核实"},
        files=[("files", ("说明.txt", b"note", "text/plain"))],
    )
    assert sent.status_code == 303
    page = client.get(case_url).text
    assert "说明.txt" in page and "已回复" in page
    client.post("/logout")
    login(client, "analyst")
    assert client.post(f"{case_url}/close", data={"outcome": "已辟谣"}).status_code == 303
    assert "已办结" in client.get(case_url).text


def test_a_responder_cannot_see_another_departments_cases(
    client: TestClient, desk: dict[str, int]
) -> None:
    login(client, "analyst")
    deadline = (utcnow() + timedelta(days=1)).isoformat()
    market_case = client.post(
        "/api/desk/cases",
        json={"title": "口罩涨价", "department_id": desk["market"], "deadline": deadline},
    ).json()["id"]
    client.post("/logout")
    login(client, "responder")  # the health commission's responder
    assert client.get(f"/cases/{market_case}").status_code == 404
    assert client.get(f"/api/desk/cases/{market_case}").status_code == 404
    assert client.post(f"/cases/{market_case}/reply", data={"body": "x"}).status_code == 404
    assert client.get("/api/desk/cases").json() == []
    assert "口罩涨价" not in client.get("/my/cases").text
    assert client.get("/cases").status_code == 403  # the desk's list is not theirs
    assert client.get("/triage").status_code == 403
    client.post("/logout")
    login(client, "responder_market")
    assert client.get(f"/cases/{market_case}").status_code == 200


def test_triage_queue_bulk_actions_and_saved_views(analyst: TestClient) -> None:
    first = analyst.get("/triage")
    assert first.status_code == 200 and "研判队列" in first.text
    ids = [int(i) for i in re.findall(r'data-item-id="(\d+)"', first.text)]
    assert len(ids) == 4
    done = analyst.post(
        "/triage/bulk",
        data={"action": "status", "value": "not_relevant", "ids": [str(i) for i in ids[:2]]},
    )
    assert done.status_code == 303
    assert analyst.get("/triage").text.count("data-item-id=") == 2
    analyst.post("/triage/views", data={"name": "无关", "query": "status=not_relevant"})
    page = analyst.get("/triage").text
    assert 'href="/triage?status=not_relevant"' in page
    assert analyst.get("/triage?status=not_relevant").text.count("data-item-id=") == 2
    bad = analyst.post(
        "/triage/bulk", data={"action": "status", "value": "nonsense", "ids": [str(ids[0])]}
    )
    assert bad.status_code == 400 and "未知的研判状态" in bad.text


def test_a_locked_item_tells_the_other_analyst_who_holds_it(
    client: TestClient, web_db: Database
) -> None:
    with web_db.reading() as session:
        item = session.scalar(select(Item.id).order_by(Item.id))
    login(client, "analyst")
    client.post(f"/items/{item}/lock")
    client.post("/logout")
    login(client, "editor")
    refused = client.post(f"/api/desk/items/{item}/lock")
    assert refused.status_code == 409 and "analyst" in refused.json()["detail"]
    assert "analyst" in client.get(f"/items/{item}").text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_apply_the_filters_and_are_audited(
    analyst: TestClient, web_db: Database, fmt: str
) -> None:
    response = analyst.get(f"/items/export.{fmt}", params={"q": "口罩"})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [[str(c) for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "编号" and len(rows) == 2 and "口罩" in rows[1][4]
    for path in ("/events", "/cases", "/factchecks", "/alerts/deliveries"):
        assert analyst.get(f"{path}/export.{fmt}").status_code == 200, path
    with web_db.reading() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.object_type for e in entries] == [
        "items",
        "events",
        "cases",
        "factchecks",
        "deliveries",
    ]
    assert entries[0].detail["filters"] == {"q": "口罩"}


def test_public_pages_need_no_login_and_show_published_claims_only(
    client: TestClient, desk: dict[str, int]
) -> None:
    assert client.get("/clarifications").status_code == 200
    assert client.get(f"/clarifications/{desk['claim']}").status_code == 404
    assert client.get("/clarifications.json").json()["clarifications"] == []
    assert client.get("/factchecks").status_code == 303  # the library itself needs a login


def test_alert_pages_and_subscriptions(client: TestClient) -> None:
    login(client, "analyst")
    assert client.get("/alerts").status_code == 200
    assert (
        client.post(
            "/alerts/subscriptions", data={"channel": "email", "target": "a@b.example"}
        ).status_code
        == 403
    )
    client.post("/logout")
    login(client, "admin")
    made = client.post(
        "/alerts/subscriptions",
        data={
            "channel": "wecom",
            "target": "https://qyapi.example/hook",
            "kinds": ["spike"],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert made.status_code == 303
    assert "qyapi.example" in client.get("/alerts").text
    bad = client.post("/alerts/subscriptions", data={"channel": "wecom", "target": "ftp://x"})
    assert bad.status_code == 400
