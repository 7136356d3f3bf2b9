"""What people do with reports, one function each, shared by the pages, the JSON API,
the command line and the demo: draft, list, take a sign-off step, distribute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.errors import BadInput, NotFound
from yuqing.reports import workflow as wf
from yuqing.reports.distribution import Sent, send_report
from yuqing.reports.render import default_unit, document_for
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.store.db import Database
from yuqing.store.models import Report, ReportSeries, ReportStatus

STEPS = ("submit", "approve", "return", "issue", "refresh")


def draft_report(
    session: Session,
    settings: Settings,
    series_code: str,
    actor: wf.Actor,
    now: datetime,
    *,
    day: date | None = None,
    event_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    """A new draft of the series ``series_code``: the daily window ending on ``day``,
    the period of ``day``, the days ``start`` to ``end``, or the event ``event_id``."""
    ensure_default_series(session, default_unit(settings))
    series = get_series(session, series_code)
    window = wf.window_for(
        series,
        settings.tz,
        settings.report_window_hour,
        day,
        event_id,
        session,
        start=start,
        end=end,
    )
    return wf.create_draft(session, series, window, actor, now, event_id)


@dataclass(frozen=True)
class Found:
    total: int
    rows: list[tuple[Report, ReportSeries]]


def find_reports(
    session: Session,
    *,
    series: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Found:
    """Reports newest window first, of one series and/or in one status."""
    if status and status not in {s.value for s in ReportStatus}:
        known = "、".join(s.value for s in ReportStatus)
        raise BadInput(f"未知的报告状态 {status!r}：可选 {known}")
    query = select(Report, ReportSeries).join(ReportSeries, ReportSeries.id == Report.series_id)
    if series:
        query = query.where(ReportSeries.code == series)
    if status:
        query = query.where(Report.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(
        query.order_by(Report.window_end.desc(), Report.id.desc()).limit(limit).offset(offset)
    ).all()
    return Found(int(total or 0), [(report, row) for report, row in rows])


def take_step(
    session: Session,
    report_id: int,
    step: str,
    actor: wf.Actor,
    settings: Settings,
    now: datetime,
    reason: str = "",
    *,
    seen_version: int | None = None,
) -> Report:
    """One sign-off step (or bringing a draft's figures up to date), by its role;
    ``seen_version``: the version the signer looked at before issuing."""
    if step == "submit":
        return wf.submit(session, report_id, actor)
    if step == "approve":
        return wf.approve(session, report_id, actor)
    if step == "return":
        return wf.return_to_draft(session, report_id, actor, reason.strip())
    if step == "issue":
        return wf.issue(session, report_id, actor, now, seen_version=seen_version)
    if step == "refresh":
        wf.refresh(session, report_id, actor, settings.tz, now)
        return wf.get_report(session, report_id)
    raise NotFound(f"未知的操作 {step}：可选 {'、'.join(STEPS)}")


def distribute(
    db: Database,
    settings: Settings,
    report_id: int,
    actor: wf.Actor,
    recipients: list[str] | None = None,
) -> Sent:
    """E-mail an issued report to ``recipients`` or the distribution list (signer)."""
    wf.require(actor, wf.SIGNERS, "分发报告")
    with db.reading() as session:
        doc = document_for(session, report_id, settings)
    return send_report(db, settings, doc, recipients, user_id=actor.user_id)
