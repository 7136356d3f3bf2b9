"""Field reports adopted (采用) into a report: which can be, and adopting them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from yuqing.network.field_reports import adopt
from yuqing.reports.network_figures import received_in
from yuqing.reports.related import related_field_reports
from yuqing.reports.windows import Window
from yuqing.reports.workflow import DRAFTERS, Actor, get_report, refresh, require
from yuqing.store.models import Event, FieldReport, Unit


@dataclass(frozen=True)
class Candidate:
    id: int
    unit: str
    title: str
    submitted_at: datetime
    adopted_here: bool
    why: str = ""  # for a special report: what ties it to the event


def candidates(session: Session, report_id: int, tz: ZoneInfo) -> list[Candidate]:
    """Field reports with content received in the report's window, or adopted into it;
    for a special report, those related to its event, most related first."""
    report = get_report(session, report_id)
    window = Window(report.window_start, report.window_end, tz)
    event = session.get(Event, report.event_id) if report.event_id is not None else None
    if event is not None:
        return _related(session, report_id, event, window)
    rows = session.execute(
        select(FieldReport, Unit.name)
        .join(Unit, Unit.id == FieldReport.unit_id)
        .where(
            FieldReport.is_zero.is_(False),
            or_(FieldReport.adopted_report_id == report_id, and_(*received_in(window))),
        )
        .order_by(FieldReport.submitted_at, FieldReport.id)
        .limit(200)
    ).all()
    return [
        Candidate(
            r.id,
            unit,
            r.title or "（无标题）",
            r.submitted_at,
            r.adopted_report_id == report_id,
        )
        for r, unit in rows
    ]


def _related(session: Session, report_id: int, event: Event, window: Window) -> list[Candidate]:
    adopted = session.execute(
        select(FieldReport, Unit.name)
        .join(Unit, Unit.id == FieldReport.unit_id)
        .where(FieldReport.adopted_report_id == report_id)
        .order_by(FieldReport.submitted_at, FieldReport.id)
    ).all()
    chosen = [Candidate(r.id, u, r.title or "（无标题）", r.submitted_at, True) for r, u in adopted]
    taken = {c.id for c in chosen}
    for r in related_field_reports(session, event, window):
        if r.id not in taken:
            chosen.append(Candidate(r.id, r.unit, r.title, r.submitted_at, False, r.why))
    return chosen


def adopt_into(
    session: Session,
    report_id: int,
    field_report_ids: list[int],
    actor: Actor,
    tz: ZoneInfo,
    now: datetime,
) -> int:
    """Adopt field reports into a draft and bring its figures up to date."""
    require(actor, DRAFTERS, "采用报送信息")
    get_report(session, report_id, lock=True)
    for field_report_id in field_report_ids:
        adopt(session, field_report_id, actor.user_id, report_id, now=now)
    session.flush()
    refresh(session, report_id, actor, tz, now)
    return len(field_report_ids)
