"""Network pages added for the desk and officers: tally sheet uploads, paging of the
field reports, the metric catalogue, deactivating units, the bulletin link."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.network.tallies import add_metric
from yuqing.store.db import Database
from yuqing.store.models import (
    AuditEntry,
    FieldReport,
    QuarantineEntry,
    TallyEntry,
    TallyMetric,
    Unit,
)
from yuqing.store.types import utcnow


def _unit_id(db: Database, name: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return found


def _sheet(*rows: str) -> dict[str, tuple[str, bytes, str]]:
    body = "\n".join(("单位,日期,指标,数值", *rows)) + "\n"
    return {"sheet": ("统计.csv", body.encode(), "text/csv")}


def _yesterday() -> str:
    return str(utcnow().date() - timedelta(days=1))


def test_an_officer_uploads_their_units_tallies_after_a_dry_run(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    day = _yesterday()
    files = _sheet(
        f"990102,{day},leaflets,40", f"990100,{day},leaflets,5", f"昆都仑区,{day},宣传单,x"
    )
    login(client, "officer")
    assert "上传统计表" in client.get("/my/unit").text
    dry = client.post("/my/unit/tallies/import", files=files, data={"dry_run": "true"})
    assert dry.status_code == 200 and "试导入（未保存）" in dry.text
    with web_db.reading() as session:
        assert session.scalars(select(TallyEntry)).all() == []
        assert session.scalars(select(QuarantineEntry)).all() == []
    done = client.post("/my/unit/tallies/import", files=files)
    assert done.status_code == 200 and "导入完成" in done.text
    text = unescape(done.text)
    assert "单位 '990100' 不是本单位（昆都仑区）" in text and "row 3" in text
    assert "不是非负数字" in text and "已放入隔离区" in text
    assert 'href="/quarantine"' not in done.text  # not a page for officers
    with web_db.reading() as session:
        entries = session.scalars(select(TallyEntry)).all()
        assert [(e.unit_id, e.value) for e in entries] == [(_unit_id(web_db, "昆都仑区"), 40)]
        held = session.scalars(select(QuarantineEntry.position)).all()
        assert sorted(p or "" for p in held) == ["row 3", "row 4"]
    assert client.post("/network/tallies/import", files=files).status_code == 403


def test_the_desk_uploads_any_units_tallies_and_is_pointed_to_the_quarantine(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    day = _yesterday()
    files = _sheet(
        f"990102,{day},leaflets,40", f"990100,{day},leaflets,5", f"990199,{day},leaflets,1"
    )
    login(client, "analyst")
    done = client.post("/network/tallies/import", files=files)
    assert done.status_code == 200
    assert 'href="/quarantine"' in done.text and "990199" in unescape(done.text)
    with web_db.reading() as session:
        assert len(session.scalars(select(TallyEntry)).all()) == 2
        assert "tallies_imported" in session.scalars(select(AuditEntry.action)).all()
    # the officers' upload is for officers: the desk has no unit of its own there
    assert client.post("/my/unit/tallies/import", files=files).status_code == 403
    bad = client.post("/network/tallies/import", files={"sheet": ("x.txt", b"a", "text/plain")})
    assert bad.status_code == 400


def _file_reports(db: Database, count: int) -> None:
    unit = _unit_id(db, "昆都仑区")
    at = datetime(2026, 11, 16, 2, tzinfo=UTC)
    with db.transaction() as session:
        session.add_all(
            FieldReport(
                unit_id=unit,
                report_date=date(2026, 11, 16),
                title=f"信息{n:03d}",
                body="内容",
                category="物资保障" if n % 2 else "其他",
                submitted_at=at + timedelta(minutes=n),
            )
            for n in range(count)
        )


def _page_links(html: str) -> dict[str, dict[str, list[str]]]:
    """rel → query of the pager's previous and next links."""
    found = {}
    for rel in ("prev", "next"):
        marker = f'" rel="{rel}"'
        if marker in html:
            href = unescape(html[: html.index(marker)].rsplit('href="', 1)[1])
            found[rel] = parse_qs(urlsplit(href).query)
    return found


def test_the_field_report_list_pages_and_keeps_its_filters(
    client: TestClient, web_db: Database
) -> None:
    _file_reports(web_db, 130)  # 65 of each category
    login(client, "analyst")
    first = client.get("/network/reports")
    assert "共 130 条" in first.text and "第 1 / 3 页" in first.text
    assert first.text.count('class="item"') == 50 and "信息129" in first.text
    assert _page_links(first.text)["next"] == {"page": ["2"]}
    filtered = client.get("/network/reports?category=物资保障&page=2")
    assert "共 65 条" in filtered.text and filtered.text.count('class="item"') == 15
    links = _page_links(filtered.text)
    assert links["prev"] == {"category": ["物资保障"], "page": ["1"]} and "next" not in links
    assert "信息001" in filtered.text and "信息000" not in filtered.text
    # a page past the end shows the last one rather than nothing
    assert "第 2 / 2 页" in client.get("/network/reports?category=物资保障&page=9").text
    # adopting from page 2 returns to page 2 with its filters
    with web_db.reading() as session:
        report_id = session.scalar(select(FieldReport.id).where(FieldReport.title == "信息001"))
    back = client.post(
        f"/network/reports/{report_id}/adopt",
        data={"back": "category=物资保障&page=2&x=https://evil.example"},
    )
    location = back.headers["location"]
    assert location.startswith("/network/reports?category=") and location.endswith(
        f"#report-{report_id}"
    )


def test_the_report_api_pages_with_offset_and_says_the_total(
    client: TestClient, web_db: Database
) -> None:
    _file_reports(web_db, 7)
    login(client, "analyst")
    first = client.get("/api/network/reports?limit=3")
    assert first.headers["x-total-count"] == "7"
    assert [r["title"] for r in first.json()] == ["信息006", "信息005", "信息004"]
    following = first.headers["link"].split(">")[0].lstrip("<")
    assert parse_qs(urlsplit(following).query) == {"limit": ["3"], "offset": ["3"]}
    second = client.get("/api/network/reports?limit=3&offset=3&category=ignored")
    assert [r["title"] for r in second.json()] == ["信息003", "信息002", "信息001"]
    last = client.get("/api/network/reports?limit=3&offset=6")
    assert [r["title"] for r in last.json()] == ["信息000"] and "link" not in last.headers
    adopted = client.get("/api/network/reports?adopted=true")
    assert adopted.json() == [] and adopted.headers["x-total-count"] == "0"


def test_admins_rename_reorder_and_deactivate_metrics(client: TestClient, web_db: Database) -> None:
    with web_db.transaction() as session:
        leaflets = add_metric(session, "leaflets", "宣传单", "份").id
        posters = add_metric(session, "posters", "海报", "张").id
        session.add(
            TallyEntry(
                unit_id=_unit_id(web_db, "昆都仑区"),
                metric_id=leaflets,
                day=date(2026, 11, 16),
                value=12,
            )
        )
    login(client, "analyst")
    assert 'id="catalogue"' not in client.get("/network/tallies").text
    assert (
        client.post(
            f"/network/tallies/metrics/{leaflets}/active", data={"active": "false"}
        ).status_code
        == 403
    )
    client.post("/logout")
    login(client, "admin")
    assert 'id="catalogue"' in client.get("/network/tallies").text
    renamed = client.post(
        f"/network/tallies/metrics/{leaflets}/rename", data={"name": "宣传折页", "measure": "册"}
    )
    assert renamed.status_code == 303
    assert (
        client.post(f"/network/tallies/metrics/{posters}/move", data={"step": "-1"}).status_code
        == 303
    )
    assert (
        client.post(f"/network/tallies/metrics/{posters}/move", data={"step": "5"}).status_code
        == 400
    )
    off = client.post(f"/network/tallies/metrics/{leaflets}/active", data={"active": "false"})
    assert off.status_code == 303
    with web_db.reading() as session:
        rows = session.execute(
            select(TallyMetric.code, TallyMetric.name, TallyMetric.active).order_by(
                TallyMetric.position
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            ("posters", "海报", True),
            ("leaflets", "宣传折页", False),
        ]
    client.post("/logout")
    login(client, "officer")
    form = client.get("/my/unit").text
    assert "海报" in form and "宣传折页" not in form
    client.post("/logout")
    login(client, "analyst")
    summary = client.get("/network/tallies?start=2026-11-16&end=2026-11-16").text
    assert 'data-metric="leaflets"' in summary and "已停用" in summary


def test_admins_deactivate_a_unit_and_it_is_no_longer_expected(
    client: TestClient, web_db: Database
) -> None:
    district = _unit_id(web_db, "昆都仑区")
    login(client, "analyst")
    assert [c["unit_name"] for c in client.get("/api/network/compliance").json()] == ["昆都仑区"]
    assert (
        client.post(f"/network/units/{district}/active", data={"active": "false"}).status_code
        == 403
    )
    client.post("/logout")
    login(client, "admin")
    done = client.post(f"/network/units/{district}/active", data={"active": "false"})
    assert done.status_code == 303
    assert client.get("/api/network/compliance").json() == []
    assert "已停用" in client.get("/network/units").text
    with web_db.reading() as session:
        assert "unit_active_set" in session.scalars(select(AuditEntry.action)).all()
    client.post(f"/network/units/{district}/active", data={"active": "true"})
    assert len(client.get("/api/network/compliance").json()) == 1


def test_the_assessment_links_to_a_bulletin_for_its_period(client: TestClient) -> None:
    login(client, "analyst")
    page = client.get("/network/assessment?start=2026-11-16&end=2026-11-22")
    assert "生成情况通报" in page.text
    assert (
        'href="/reports/new?series=bulletin&amp;start=2026-11-16&amp;end=2026-11-22"' in page.text
    )
    client.post("/logout")
    login(client, "officer")
    assert client.get("/network/assessment").status_code == 403
