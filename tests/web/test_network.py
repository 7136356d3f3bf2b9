"""The network pages and API: officers act for their own unit and read its subtree;
the desk sees everything; admins manage units."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.network.people import add_unit
from yuqing.network.tallies import add_metric
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Directive, FieldReport, TallyEntry, Unit


def _unit_id(db: Database, name: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return found


def test_officer_files_a_report_with_attachment_and_a_zero_report(
    client: TestClient, web_db: Database
) -> None:
    login(client, "officer")
    page = client.get("/my/unit")
    assert page.status_code == 200 and "今日无情况" in page.text
    response = client.post(
        "/my/unit/reports",
        data={
            "title": "采样点排队",
            "body": "居民反映排队两小时，电话13812345678",
            "urgency": "较大",
        },
        files={"files": ("现场.jpg", b"photo", "image/jpeg")},
    )
    assert response.status_code == 303
    with web_db.reading() as session:
        report = session.scalars(select(FieldReport)).one()
        assert report.unit_id == _unit_id(web_db, "昆都仑区")
        assert report.body is not None and "13812345678" not in report.body
    # a real report has been filed today, so a zero report is refused
    assert client.post("/my/unit/zero").status_code == 409
    listing = client.get("/api/network/reports").json()
    assert [r["title"] for r in listing] == ["采样点排队"]


def test_officer_api_zero_report_and_tally_with_correction(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    login(client, "officer")
    assert client.post("/api/network/zero-reports", json={}).status_code == 201
    assert client.post("/api/network/zero-reports", json={}).status_code == 201  # same one
    day = str(date(2026, 11, 16))
    for value in (100, 120):
        response = client.post(
            "/api/network/tallies", json={"metric": "宣传单", "day": day, "value": value}
        )
        assert response.status_code == 201, response.text
    with web_db.reading() as session:
        assert session.scalars(select(FieldReport)).all()[0].is_zero
        values = session.scalars(select(TallyEntry.value).order_by(TallyEntry.id)).all()
        assert values == [100, 120]


def test_officer_sees_and_edits_only_own_unit(client: TestClient, web_db: Database) -> None:
    with web_db.transaction() as session:
        city = session.scalar(select(Unit).where(Unit.name == "测试市"))
        other = add_unit(session, "青山区", "district", parent=city)
        session.add(
            FieldReport(
                unit_id=other.id,
                report_date=date(2026, 11, 16),
                title="别区",
                body="别区的信息",
                submitted_at=datetime(2026, 11, 16, 3, tzinfo=UTC),
            )
        )
        session.flush()
        other_id = other.id
    login(client, "officer")
    assert client.get("/api/network/reports").json() == []
    assert client.get(f"/api/network/reports?unit={other_id}").status_code == 404
    with web_db.reading() as session:
        report_id = session.scalar(select(FieldReport.id))
    assert client.get(f"/network/reports/{report_id}/attachments/1").status_code == 404
    # desk pages are not for officers
    for path in ("/network", "/network/reports", "/network/assessment", "/api/network/compliance"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/api/network/reports/{report_id}/adopt", json={}).status_code == 403


def test_desk_pages_render_and_adopt_is_audited(client: TestClient, web_db: Database) -> None:
    login(client, "officer")
    client.post("/my/unit/reports", data={"title": "物价", "body": "菜价上涨"})
    client.post("/logout")
    login(client, "analyst")
    for path in (
        "/network",
        "/network/reports",
        "/network/tallies",
        "/network/directives",
        "/network/assessment",
        "/network/units",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>" not in page.text and " style=" not in page.text, path
    assert "昆都仑区" in client.get("/network").text
    compliance = client.get("/api/network/compliance").json()
    assert [c["unit_name"] for c in compliance] == ["昆都仑区"]
    with web_db.reading() as session:
        report_id = session.scalar(select(FieldReport.id))
    assert client.post(f"/network/reports/{report_id}/adopt").status_code == 303
    with web_db.reading() as session:
        assert session.scalar(select(FieldReport.adopted))
        assert "field_report_adopted" in session.scalars(select(AuditEntry.action)).all()
    scores = client.get("/api/network/assessment").json()
    assert scores[0]["unit_name"] == "昆都仑区"


def test_desk_sends_a_directive_and_the_officer_completes_it(
    client: TestClient, web_db: Database
) -> None:
    district = _unit_id(web_db, "昆都仑区")
    login(client, "analyst")
    response = client.post(
        "/network/directives",
        data={
            "kind": "task",
            "title": "张贴海报",
            "body": "请张贴防疫海报",
            "units": [str(district)],
        },
    )
    assert response.status_code == 303
    client.post("/logout")
    login(client, "officer")
    page = client.get("/my/unit")
    assert "张贴海报" in page.text
    with web_db.reading() as session:
        directive_id = session.scalar(select(Directive.id))
    assert client.post(f"/my/unit/directives/{directive_id}/ack").status_code == 303
    done = client.post(f"/my/unit/directives/{directive_id}/complete", data={"note": "已张贴30张"})
    assert done.status_code == 303
    client.post("/logout")
    login(client, "analyst")
    assert "已张贴30张" in client.get("/network/directives").text


def test_only_admins_import_units_and_bad_rows_are_reported(
    client: TestClient, web_db: Database
) -> None:
    sheet = "名称,类型,上级\n青山区,区,990100\n坏单位,星球,990100\n".encode()
    login(client, "analyst")
    files = {"sheet": ("units.csv", sheet, "text/csv")}
    assert client.post("/network/units/import", files=files).status_code == 403
    client.post("/logout")
    login(client, "admin")
    dry = client.post("/network/units/import", files=files, data={"dry_run": "true"})
    assert dry.status_code == 200 and "试导入" in dry.text and "星球" in dry.text
    with web_db.reading() as session:
        assert session.scalar(select(Unit).where(Unit.name == "青山区")) is None
    done = client.post("/network/units/import", files=files)
    assert done.status_code == 200 and "row 3" in done.text
    with web_db.reading() as session:
        assert session.scalar(select(Unit).where(Unit.name == "青山区")) is not None
    officer = client.post(
        "/network/officers",
        data={
            "unit": str(_unit_id(web_db, "青山区")),
            "username": "qs_officer",
            "password": "long enough pw",
        },
    )
    assert officer.status_code == 303
