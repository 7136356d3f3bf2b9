"""Retention on both backends: each kind purged after its own period, what issued
reports cite kept (items they link, items of events and cases they link, field
reports adopted into them, and those records' files), each purge audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from huey import MemoryHuey
from sqlalchemy import func, select

from tests.cli.test_cli import yuqing
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.config import load_settings
from yuqing.desk.attachments import Upload, store_attachment
from yuqing.jobs.queue import Jobs
from yuqing.jobs.retention import PURGE_ACTION, Policy, purge, purges_since
from yuqing.store.db import Database
from yuqing.store.models import (
    Attachment,
    AuditEntry,
    Case,
    Event,
    FieldReport,
    Item,
    QuarantineEntry,
    Report,
    ReportSeries,
    ReportVersion,
    Source,
    Unit,
)
from yuqing.store.search import ItemQuery, search_item_ids
from yuqing.store.types import utcnow

NOW = utcnow()
OLD = NOW - timedelta(days=400)
POLICY = Policy(
    {"items": 365, "field_reports": 365, "attachments": 365, "quarantine": 30, "audit": 365}
)
TEXTS = {
    "old": "旧闻一则口罩价格",
    "cited": "报告引用的核酸检测",
    "event": "事件里的排队",
    "case": "督办事项的投诉",
    "new": "新近的疫苗接种",
}


def seed(db: Database, folder: Path) -> dict[str, int]:
    """Old and new records of every kind; returns ids by name."""
    with db.transaction() as session:
        session.add(Source(name="青岚日报", kind="rss", url="http://127.0.0.1/feed"))
    with db.reading() as session:
        source = SourceInfo.of(session.scalars(select(Source)).one())
    raws = [RawItem(body=t, platform_id=k, published_at=OLD) for k, t in TEXTS.items()]
    ingest(db, source, raws, secret="s" * 32)
    ids: dict[str, int] = {}
    with db.transaction() as session:
        for item in session.scalars(select(Item)):
            key = item.platform_id or ""
            ids[key] = item.id
            item.collected_at = NOW if key == "new" else OLD
        unit = Unit(name="东城区", kind="district", path="/")
        event = Event(title="排队", first_seen=OLD, last_seen=OLD)
        series = ReportSeries(code="daily", name="舆情日报")
        session.add_all([unit, event, series])
        session.flush()
        session.get_one(Item, ids["event"]).event_id = event.id
        case = Case(title="投诉", item_id=ids["case"], deadline=OLD)
        cited_case = Case(title="被引用的督办", deadline=OLD)
        report = Report(series_id=series.id, title="日报", window_start=OLD, window_end=OLD)
        draft = Report(series_id=series.id, title="草稿", window_start=OLD, window_end=OLD)
        report.status = "issued"
        session.add_all([case, cited_case, report, draft])
        session.flush()
        content = {
            "sections": [
                {
                    "blocks": [
                        {
                            "type": "table",
                            "rows": [
                                [{"text": "a", "href": f"/items/{ids['cited']}"}],
                                [{"text": "b", "href": f"/events/{event.id}"}],
                                [{"text": "c", "href": f"/cases/{cited_case.id}"}],
                            ],
                        }
                    ]
                }
            ]
        }
        session.add(ReportVersion(report_id=report.id, version=1, content=content, status="issued"))
        session.add(
            ReportVersion(
                report_id=draft.id,
                version=1,
                content={"href": f"/items/{ids['old']}"},
                status="draft",
            )
        )
        adopted = FieldReport(
            unit_id=unit.id,
            report_date=date(2025, 1, 1),
            submitted_at=OLD,
            adopted=True,
            adopted_report_id=report.id,
        )
        stale = FieldReport(unit_id=unit.id, report_date=date(2025, 1, 1), submitted_at=OLD)
        in_draft = FieldReport(
            unit_id=unit.id,
            report_date=date(2025, 1, 1),
            submitted_at=OLD,
            adopted=True,
            adopted_report_id=draft.id,
        )
        fresh = FieldReport(unit_id=unit.id, report_date=NOW.date(), submitted_at=NOW)
        session.add_all([adopted, stale, in_draft, fresh])
        session.flush()
        for name, owner, data in (
            ("adopted", adopted.id, b"kept file"),
            ("stale", stale.id, b"gone file"),
        ):
            att = store_attachment(
                session,
                folder,
                Upload(f"{name}.txt", "text/plain", data),
                owner_type="field_report",
                owner_id=owner,
                user_id=None,
            )
            att.created_at = OLD
            ids[f"file_{name}"] = att.id
        ids |= {
            "adopted": adopted.id,
            "stale": stale.id,
            "in_draft": in_draft.id,
            "fresh": fresh.id,
        }
        session.add(QuarantineEntry(origin="x", reason="旧", created_at=NOW - timedelta(days=31)))
        session.add(QuarantineEntry(origin="x", reason="新", created_at=NOW))
        session.add(AuditEntry(action="login", at=OLD))
        session.add(AuditEntry(action=PURGE_ACTION, at=OLD, detail={}))
        session.add(AuditEntry(action="login", at=NOW))
    return ids


def count(db: Database, model: type, *where: object) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_a_purge_keeps_what_issued_reports_cite_and_is_audited(
    db: Database, tmp_path: Path
) -> None:
    ids = seed(db, tmp_path)
    preview = purge(db, POLICY, now=NOW, data_dir=tmp_path, dry_run=True)
    counts = {r.kind: (r.purged, r.kept_cited) for r in preview.results}
    assert counts == {
        "items": (1, 3),
        "field_reports": (2, 1),
        "attachments": (1, 1),
        "quarantine": (1, 0),
        "audit": (1, 0),
    }
    assert count(db, Item) == 5  # a dry run deletes nothing

    done = purge(db, POLICY, now=NOW, data_dir=tmp_path, user_id=None)
    assert {r.kind: (r.purged, r.kept_cited) for r in done.results} == counts
    with db.reading() as session:
        left = set(session.scalars(select(Item.platform_id)))
        assert left == {"cited", "event", "case", "new"}
        assert search_item_ids(session, ItemQuery(text="口罩价格")) == []
        assert search_item_ids(session, ItemQuery(text="核酸检测")) == [ids["cited"]]
        reports = set(session.scalars(select(FieldReport.id)))
        assert reports == {ids["adopted"], ids["fresh"]}
        files = {a.id: a for a in session.scalars(select(Attachment))}
        assert set(files) == {ids["file_adopted"]}
        assert (tmp_path / files[ids["file_adopted"]].storage_path).read_bytes() == b"kept file"
        assert sorted(session.scalars(select(QuarantineEntry.reason))) == ["新"]
        runs = session.scalars(select(AuditEntry).where(AuditEntry.action == PURGE_ACTION)).all()
        assert len(runs) == 2  # the old record of a purge is never purged
        latest = max(runs, key=lambda r: r.at)
        assert latest.detail["items"]["purged"] == 1 and latest.detail["items"]["days"] == 365
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [b"kept file"]

    again = purge(db, POLICY, now=NOW, data_dir=tmp_path)
    assert all(r.purged == 0 for r in again.results)
    with db.reading() as session:  # a report of that time can say its records went
        notes = purges_since(session, OLD - timedelta(days=1))
        assert {n.label for n in notes} == {"公开信息", "报送信息"}
        assert purges_since(session, NOW) == []


def test_a_zero_period_keeps_a_kind_forever(db: Database, tmp_path: Path) -> None:
    seed(db, tmp_path)
    forever = Policy(
        {"items": 0, "field_reports": 0, "attachments": 0, "quarantine": 0, "audit": 0}
    )
    report = purge(db, forever, now=NOW, data_dir=tmp_path)
    assert all(r.cutoff is None and r.purged == 0 for r in report.results)
    assert count(db, Item) == 5 and count(db, FieldReport) == 4


def test_the_worker_schedules_one_purge_a_day(tmp_path: Path, sqlite_db: Database) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="q" * 32, retention_quarantine_days=1)
    jobs = Jobs(settings, sqlite_db, MemoryHuey("retention", immediate=True))

    def due(at: datetime) -> bool:
        return any(t.name.endswith("retention_purge") for t in jobs.huey.read_periodic(at))

    assert due(datetime(2026, 12, 2, 19, 30)) and not due(datetime(2026, 12, 2, 19, 31))
    with sqlite_db.transaction() as session:
        session.add(QuarantineEntry(origin="x", reason="旧", created_at=NOW - timedelta(days=2)))
    report = jobs.purge_now()
    assert {r.kind: r.purged for r in report.results}["quarantine"] == 1
    assert count(sqlite_db, AuditEntry, AuditEntry.action == PURGE_ACTION) == 1


def test_yuqing_purge_counts_then_deletes(tmp_path: Path) -> None:
    assert yuqing(tmp_path, "init").returncode == 0
    dry = yuqing(tmp_path, "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "公开信息" in dry.stdout and "审计日志" in dry.stdout and "nothing deleted" in dry.stdout
    done = yuqing(tmp_path, "purge")
    assert done.returncode == 0 and "audit log" in done.stdout
