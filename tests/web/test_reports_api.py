"""The reports JSON API: the same drafting, figures with their records, sign-off roles
and audit as the pages; field roles are turned away; issuing can e-mail the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.reports.seed import EDITOR_TEXT
from tests.reports.test_distribution import Inbox, free_port
from tests.web.conftest import login
from yuqing.config import Settings, load_settings
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry

DAY = "2026-11-17"  # the web fixture's four items fall in 11-16 09:00 .. 11-17 09:00


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path, inbox: tuple[Inbox, int]) -> Settings:
    """The web app's settings with a local SMTP server and a distribution list."""
    return load_settings(
        data_dir=tmp_path,
        secret_key="t" * 32,
        city_name="测试市",
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_from="desk@example.org",
        report_recipients=["head@example.org"],
    )


def draft(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/api/reports", json={"series": "daily", "day": DAY, **body})
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_a_draft_reads_with_figures_that_lead_to_their_records(client: TestClient) -> None:
    login(client, "editor")
    created = draft(client)
    assert (created["status"], created["number"], created["series"]) == ("draft", None, "daily")
    detail = client.get(f"/api/reports/{created['id']}").json()
    assert detail["window_label"] == "2026年11月16日9时至11月17日9时"
    assert detail["version"] == 1 and [v["status"] for v in detail["versions"]] == ["draft"]
    items = detail["figures"]["items"]
    assert (items["label"], items["value"], items["unit"]) == ("监测信息总量", 4, "条")
    assert items["page"] == f"/reports/{created['id']}/records?key=items"
    records = client.get(items["records"]).json()
    assert records["total"] == 4 and len(records["records"]) == 4
    assert all(r["href"].startswith("/items/") for r in records["records"])
    assert detail["sections"][0]["key"] == "overall"
    assert set(detail["editor"]) == {"judgement", "suggestions", "next_steps"}
    local = client.get(detail["figures"]["items:local"]["records"]).json()
    assert local["total"] == detail["figures"]["items:local"]["value"]


def test_sign_off_through_the_api_by_role_with_audit_and_mail(
    client: TestClient, web_db: Database, inbox: tuple[Inbox, int]
) -> None:
    login(client, "editor")
    report_id = draft(client)["id"]
    base = f"/api/reports/{report_id}"
    edit = {"version": 1, "title": "11月17日舆情日报", **EDITOR_TEXT}
    assert client.post(f"{base}/edit", json=edit).status_code == 200
    assert client.post(f"{base}/edit", json=edit).status_code == 409  # stale version
    assert client.post(f"{base}/submit").json()["status"] == "in_review"
    refused = client.post(f"{base}/approve")
    assert refused.status_code == 403 and "signer" in refused.json()["detail"]
    login(client, "signer")
    assert client.post(f"{base}/issue").status_code == 409  # not approved yet
    assert client.post(f"{base}/return", json={"reason": "补充研判"}).json()["status"] == "draft"
    login(client, "editor")
    assert client.post(f"{base}/submit").status_code == 200
    login(client, "signer")
    assert client.post(f"{base}/approve").json()["status_label"] == "已审核"
    issued = client.post(f"{base}/issue").json()
    assert (issued["status"], issued["number"], issued["signer_name"]) == ("issued", 1, "signer")
    sent = client.post(f"{base}/distribute").json()
    assert sent["recipients"] == ["head@example.org"]
    assert [Path(name).suffix for name in sent["attachments"]] == [".docx", ".pdf"]
    assert len(inbox[0].messages) == 1
    login(client, "editor")
    assert client.post(f"{base}/edit", json={"judgement": "改"}).status_code == 409
    assert client.post(f"{base}/launch").status_code == 404
    with web_db.reading() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "report", AuditEntry.object_id == str(report_id))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "report_drafted",
        "report_edited",
        "report_submitted",
        "report_returned",
        "report_submitted",
        "report_approved",
        "report_issued",
        "report_distributed",
    ]


def test_the_list_filters_by_series_and_status(client: TestClient) -> None:
    login(client, "analyst")
    daily = draft(client)["id"]
    bulletin = draft(client, series="bulletin", day=None, start="2026-11-10", end="2026-11-16")
    assert bulletin["title"] == "关于2026年11月10日至11月16日舆情信息报送工作的情况通报"
    edit = {"version": 1, "title": "11月17日舆情日报", **EDITOR_TEXT}
    assert client.post(f"/api/reports/{daily}/edit", json=edit).status_code == 200
    client.post(f"/api/reports/{daily}/submit")
    everything = client.get("/api/reports").json()
    assert everything["total"] == 2
    in_review = client.get("/api/reports", params={"status": "in_review"}).json()
    assert [r["id"] for r in in_review["reports"]] == [daily]
    bulletins = client.get("/api/reports", params={"series": "bulletin"}).json()
    assert [r["id"] for r in bulletins["reports"]] == [bulletin["id"]]
    bad = client.get("/api/reports", params={"status": "lost"})
    assert bad.status_code == 400 and "lost" in bad.json()["detail"]
    missing = client.get("/api/reports/999")
    assert missing.status_code == 404 and missing.json()["detail"] == "报告 999 不存在"
    assert client.post("/api/reports", json={"series": "bulletin", "start": DAY}).status_code == 400


def test_a_bulletin_is_drafted_from_the_assessment_page_link(client: TestClient) -> None:
    login(client, "editor")
    form = client.get("/reports/new", params={"series": "bulletin", "start": "2026-11-10"})
    assert form.status_code == 200
    assert 'name="start" value="2026-11-10"' in form.text and "新建情况通报" in form.text
    created = client.post(
        "/reports", data={"series": "bulletin", "start": "2026-11-10", "end": "2026-11-16"}
    )
    assert created.status_code == 303
    page = client.get(created.headers["location"]).text
    assert "考核期：2026年11月10日至11月16日" in page and "考核排名" in page


@pytest.mark.parametrize("role", ["officer", "responder"])
def test_field_roles_get_403_from_the_api(client: TestClient, role: str) -> None:
    login(client, "editor")
    report_id = draft(client)["id"]
    login(client, role)
    assert client.get("/api/reports").status_code == 403
    assert client.get(f"/api/reports/{report_id}").status_code == 403
    assert (
        client.get(f"/api/reports/{report_id}/records", params={"key": "items"}).status_code == 403
    )
    assert client.post("/api/reports", json={"series": "daily", "day": DAY}).status_code == 403
    assert client.post(f"/api/reports/{report_id}/submit").status_code == 403
    assert client.post(f"/api/reports/{report_id}/edit", json={}).status_code == 403
