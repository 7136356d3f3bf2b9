"""One poll of one source: take its lease, run its connector, store what it yields,
record how it went. Whatever happens, the source's health says so afterwards."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.connectors import PollContext, connector_for
from yuqing.collect.fetch import Fetcher
from yuqing.collect.ingest import IngestSummary, SourceInfo, ingest
from yuqing.collect.keys import canonical_url
from yuqing.collect.mailbox import import_mail, mail_messages, parse_state
from yuqing.collect.sources import is_due, release_lease, renew_lease, take_lease
from yuqing.errors import BadInput, SourceUnreachable
from yuqing.store.db import Database
from yuqing.store.leases import Heartbeat, holder_id
from yuqing.store.models import Item, Source, SourceKind
from yuqing.store.types import utcnow

# A poll renews its source's lease every third of this (a heartbeat); a crashed
# poll stops renewing and the source is free again this long after.
DEFAULT_LEASE_SECONDS = 120

logger = logging.getLogger(__name__)


@dataclass
class PollReport:
    source: str
    # "ok", "not_modified", "failed", "busy" (another worker holds it) or "not_due"
    status: str
    summary: IngestSummary = field(default_factory=IngestSummary)
    error: str | None = None


def poll_source(
    db: Database,
    source_id: int,
    *,
    fetcher: Fetcher,
    secret: str,
    tz: ZoneInfo,
    attachments_dir: Path | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    on_batch: Callable[[IngestSummary], None] | None = None,
    only_if_due: bool = False,
) -> PollReport:
    """Poll now; with ``only_if_due`` (the schedule's tasks) skip a source polled within
    its interval, so a poll queued twice runs once."""
    holder = holder_id()
    with db.transaction() as session:
        if not take_lease(session, source_id, lease_seconds, holder=holder):
            return _busy(session, source_id)
        source = session.get(Source, source_id)
        assert source is not None
        if only_if_due and not is_due(source, utcnow()):
            release_lease(session, source_id)
            return PollReport(source.name, "not_due")
        info = SourceInfo.of(source)
        ctx = PollContext(
            fetcher=fetcher,
            tz=tz,
            is_known_url=lambda url: _known_url(db, url),
            etag=source.etag,
            last_modified=source.last_modified,
        )
    report = PollReport(info.name, "ok")
    started = time.monotonic()
    beat = Heartbeat(
        db, lambda s: renew_lease(s, source_id, holder, lease_seconds), lease_seconds / 3
    )
    try:
        with beat:
            _run_connector(db, info, ctx, report, secret, attachments_dir, on_batch)
    finally:
        _record_outcome(db, source_id, ctx, report)
        _log_outcome(report, time.monotonic() - started)
    return report


def _run_connector(
    db: Database,
    info: SourceInfo,
    ctx: PollContext,
    report: PollReport,
    secret: str,
    attachments_dir: Path | None,
    on_batch: Callable[[IngestSummary], None] | None,
) -> None:
    try:
        if info.kind == SourceKind.MAIL.value:
            report.summary = _poll_mail(db, info, ctx, attachments_dir)
        else:
            records = connector_for(info.kind).poll(info, ctx)
            report.summary = ingest(db, info, records, secret=secret, on_batch=on_batch)
        if ctx.not_modified:
            report.status = "not_modified"
    except (SourceUnreachable, BadInput) as exc:
        report.status, report.error = "failed", exc.message


def _busy(session: Session, source_id: int) -> PollReport:
    row = session.execute(
        select(Source.name, Source.lease_until, Source.lease_holder).where(Source.id == source_id)
    ).first()
    if row is None:
        return PollReport("?", "busy", error=f"no source {source_id}")
    until = row.lease_until.strftime("%H:%M:%S UTC") if row.lease_until else "?"
    who = row.lease_holder or "another worker"
    return PollReport(row.name, "busy", error=f"{who} is polling it (lease until {until})")


def _log_outcome(report: PollReport, seconds: float) -> None:
    s = report.summary
    level = logging.WARNING if report.status == "failed" else logging.INFO
    logger.log(
        level,
        "poll %s: %s in %.1f s (read %d, stored %d, duplicates %d, quarantined %d)%s",
        report.source,
        report.status,
        seconds,
        s.read,
        s.stored,
        s.duplicates,
        s.quarantined,
        f": {report.error}" if report.error else "",
    )


def _poll_mail(
    db: Database, info: SourceInfo, ctx: PollContext, attachments_dir: Path | None
) -> IngestSummary:
    state = parse_state(ctx.etag)
    folder = attachments_dir or Path(tempfile.gettempdir()) / "yuqing-attachments"
    summary = import_mail(db, info, mail_messages(info, state), tz=ctx.tz, attachments_dir=folder)
    if state.last_uid:
        ctx.etag = f"uid:{state.last_uid}"
    return summary


def _known_url(db: Database, url: str) -> bool:
    with db.reading() as session:
        key = "url:" + canonical_url(url)
        return session.scalar(select(Item.id).where(Item.ingest_key == key[:300])) is not None


def _record_outcome(db: Database, source_id: int, ctx: PollContext, report: PollReport) -> None:
    now = utcnow()
    with db.transaction() as session:
        source = session.get(Source, source_id)
        assert source is not None
        source.last_polled_at = now
        if report.status == "failed":
            source.last_error_at = now
            source.last_error = report.error
            source.consecutive_failures += 1
        else:
            source.last_success_at = now
            source.consecutive_failures = 0
            source.etag, source.last_modified = ctx.etag, ctx.last_modified
        release_lease(session, source_id)
