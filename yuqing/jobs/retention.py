"""Retention: how long each kind of record is kept, and the purge that applies it.

Each kind has its own period (settings ``retention_*_days``; 0 keeps it forever).
What issued reports cite stays whatever its age: the items, events and cases their
links name (with the items of those events and every item a case is about), the
field reports adopted into them, and those records' attachments. Every purge that
deletes is audited as ``retention_purge`` with its cut-offs and counts per kind;
those entries are never purged, so a figure whose records went can be explained.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.jobs.citations import Cited, cited_records
from yuqing.store.db import Database
from yuqing.store.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseReply,
    FieldReport,
    Item,
    QuarantineEntry,
)
from yuqing.store.search_index import IndexRow, unindex_items

LOGGER = logging.getLogger(__name__)
KINDS = ("items", "field_reports", "attachments", "quarantine", "audit")
LABELS = {
    "items": "公开信息",
    "field_reports": "报送信息",
    "attachments": "附件",
    "quarantine": "隔离区记录",
    "audit": "审计日志",
}
PURGE_ACTION = "retention_purge"
BATCH = 500


@dataclass(frozen=True)
class Policy:
    """Days each kind is kept; 0 keeps it forever."""

    days: dict[str, int]

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            {
                "items": settings.retention_items_days,
                "field_reports": settings.retention_field_reports_days,
                "attachments": settings.retention_attachments_days,
                "quarantine": settings.retention_quarantine_days,
                "audit": settings.retention_audit_days,
            }
        )

    def cutoff(self, kind: str, now: datetime) -> datetime | None:
        days = self.days.get(kind, 0)
        return now - timedelta(days=days) if days else None


@dataclass
class KindResult:
    kind: str
    days: int
    cutoff: datetime | None
    purged: int = 0
    kept_cited: int = 0  # past the cut-off but kept because an issued report cites it

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass
class PurgeReport:
    at: datetime
    dry_run: bool
    results: list[KindResult] = field(default_factory=list)

    def detail(self) -> dict[str, Any]:
        return {
            r.kind: {
                "days": r.days,
                "cutoff": r.cutoff.isoformat() if r.cutoff else None,
                "purged": r.purged,
                "kept_cited": r.kept_cited,
            }
            for r in self.results
        }


@dataclass
class _Run:
    session: Session
    cited: Cited
    dry_run: bool
    files: set[str] = field(default_factory=set)


def purge(
    db: Database,
    policy: Policy,
    *,
    now: datetime,
    data_dir: Path,
    dry_run: bool = False,
    user_id: int | None = None,
) -> PurgeReport:
    """Apply the policy (or, with ``dry_run``, count what it would remove)."""
    report = PurgeReport(at=now, dry_run=dry_run)
    # a dry run only counts: it reads beside writers instead of taking the write lock
    with db.reading() if dry_run else db.transaction() as session:
        run = _Run(session, cited_records(session), dry_run)
        for kind, step in (
            ("items", _items),
            # files first: the count of each is then the same in a dry run and a real one
            ("attachments", _attachments),
            ("field_reports", _field_reports),
            ("quarantine", _quarantine),
            ("audit", _audit),
        ):
            result = KindResult(kind, policy.days.get(kind, 0), policy.cutoff(kind, now))
            if result.cutoff is not None:
                step(run, result, result.cutoff)
            report.results.append(result)
        if dry_run:
            session.rollback()
            return report
        session.add(
            AuditEntry(
                user_id=user_id,
                action=PURGE_ACTION,
                object_type="retention",
                detail=report.detail(),
            )
        )
    _remove_files(db, run.files, data_dir)
    LOGGER.info("retention purge: %s", report.detail())
    return report


def _items(run: _Run, result: KindResult, cutoff: datetime) -> None:
    session, cited = run.session, run.cited
    older = Item.collected_at < cutoff
    kept = or_(
        Item.id.in_(cited.items),
        Item.event_id.is_not(None) & Item.event_id.in_(cited.events),  # NOT NULL stays NULL
        exists(select(Case.id).where(Case.item_id == Item.id)),
    )
    result.kept_cited = session.scalar(select(func.count()).where(older, kept)) or 0
    result.purged = session.scalar(select(func.count()).where(older, ~kept)) or 0
    if run.dry_run:
        return
    query = select(Item.id, Item.published_at, Item.text_norm).where(older, ~kept).limit(BATCH)
    while rows := session.execute(query).all():
        unindex_items(session, [IndexRow(r.id, r.published_at, r.text_norm) for r in rows])
        session.execute(delete(Item).where(Item.id.in_([r.id for r in rows])))


def _field_reports(run: _Run, result: KindResult, cutoff: datetime) -> None:
    session, cited = run.session, run.cited
    older = FieldReport.submitted_at < cutoff
    gone = older & ~FieldReport.id.in_(cited.field_reports)
    result.kept_cited = (
        session.scalar(select(func.count()).where(older, FieldReport.id.in_(cited.field_reports)))
        or 0
    )
    result.purged = session.scalar(select(func.count()).where(gone)) or 0
    if run.dry_run:
        return
    while ids := list(session.scalars(select(FieldReport.id).where(gone).limit(BATCH))):
        owned = (Attachment.owner_type == "field_report") & Attachment.owner_id.in_(ids)
        run.files.update(session.scalars(select(Attachment.storage_path).where(owned)))
        session.execute(delete(Attachment).where(owned))
        session.execute(delete(FieldReport).where(FieldReport.id.in_(ids)))


def _attachments(run: _Run, result: KindResult, cutoff: datetime) -> None:
    session, cited = run.session, run.cited
    older = Attachment.created_at < cutoff
    cited_replies = select(CaseReply.id).where(CaseReply.case_id.in_(cited.cases))
    kept = or_(
        (Attachment.owner_type == "field_report") & Attachment.owner_id.in_(cited.field_reports),
        (Attachment.owner_type == "case_reply") & Attachment.owner_id.in_(cited_replies),
    )
    result.kept_cited = session.scalar(select(func.count()).where(older, kept)) or 0
    result.purged = session.scalar(select(func.count()).where(older, ~kept)) or 0
    if run.dry_run:
        return
    query = select(Attachment.id, Attachment.storage_path).where(older, ~kept).limit(BATCH)
    while rows := session.execute(query).all():
        run.files.update(r.storage_path for r in rows)
        session.execute(delete(Attachment).where(Attachment.id.in_([r.id for r in rows])))


def _quarantine(run: _Run, result: KindResult, cutoff: datetime) -> None:
    older = QuarantineEntry.created_at < cutoff
    result.purged = run.session.scalar(select(func.count()).where(older)) or 0
    if not run.dry_run:
        run.session.execute(delete(QuarantineEntry).where(older))


def _audit(run: _Run, result: KindResult, cutoff: datetime) -> None:
    # the purges' own records stay: they say what went and when
    older = (AuditEntry.at < cutoff) & (AuditEntry.action != PURGE_ACTION)
    result.purged = run.session.scalar(select(func.count()).where(older)) or 0
    if not run.dry_run:
        run.session.execute(delete(AuditEntry).where(older))


def _remove_files(db: Database, paths: set[str], data_dir: Path) -> None:
    """Delete stored files no attachment row refers to any more (files are shared by
    content hash); only ever inside data_dir."""
    root = data_dir.resolve()
    with db.reading() as session:
        for stored in paths:
            if session.scalar(select(Attachment.id).where(Attachment.storage_path == stored)):
                continue
            path = Path(stored) if Path(stored).is_absolute() else data_dir / stored
            path = path.resolve()
            if path.is_relative_to(root) and path.is_file():
                path.unlink()
                if path.parent != root and not any(path.parent.iterdir()):
                    path.parent.rmdir()


def last_purges(session: Session, limit: int = 10) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == PURGE_ACTION)
    return list(session.scalars(query.order_by(AuditEntry.at.desc()).limit(limit)))


@dataclass(frozen=True)
class PurgeNote:
    """A purge that removed records of a kind from after ``since``."""

    label: str
    at: datetime
    cutoff: datetime


def purges_since(session: Session, since: datetime) -> list[PurgeNote]:
    """For a report whose records start at ``since``: the latest purge of items and of
    field reports whose cut-off reached past it, so its pages can say records went."""
    notes: dict[str, PurgeNote] = {}
    runs = select(AuditEntry).where(AuditEntry.action == PURGE_ACTION, AuditEntry.at > since)
    for run in session.scalars(runs.order_by(AuditEntry.at)):
        for kind in ("items", "field_reports"):
            done = run.detail.get(kind) or {}
            cutoff = datetime.fromisoformat(done["cutoff"]) if done.get("cutoff") else None
            if done.get("purged") and cutoff is not None and cutoff > since:
                notes[kind] = PurgeNote(LABELS[kind], run.at, cutoff)
    return list(notes.values())
