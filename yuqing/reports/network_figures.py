"""The reporting network's figures over a report window: field reports received and
adopted, units late or missing, communication tallies new and cumulative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from yuqing.network.compliance import LATE, MISSING, window_compliance
from yuqing.reports.windows import Window
from yuqing.store.models import FieldReport, TallyEntry, TallyMetric, Unit


def received_in(window: Window) -> tuple[ColumnElement[bool], ...]:
    return FieldReport.submitted_at >= window.start, FieldReport.submitted_at < window.end


@dataclass(frozen=True)
class FieldFigures:
    received: int  # reports with content
    zero: int  # 今日无情况
    adopted: list[tuple[int, str, str]]  # id, title, unit name


def field_reports(session: Session, window: Window, report_id: int | None) -> FieldFigures:
    rows = session.execute(
        select(FieldReport.is_zero, func.count())
        .where(*received_in(window))
        .group_by(FieldReport.is_zero)
    ).all()
    by_zero = {bool(z): int(n) for z, n in rows}
    adopted: list[Any] = []
    if report_id is not None:
        adopted = list(
            session.execute(
                select(FieldReport.id, FieldReport.title, Unit.name)
                .join(Unit, Unit.id == FieldReport.unit_id)
                .where(FieldReport.adopted_report_id == report_id)
                .order_by(FieldReport.submitted_at, FieldReport.id)
            ).all()
        )
    return FieldFigures(
        received=by_zero.get(False, 0),
        zero=by_zero.get(True, 0),
        adopted=[(int(i), str(t or "（无标题）"), str(u)) for i, t, u in adopted],
    )


@dataclass(frozen=True)
class UnitLapse:
    unit_id: int
    name: str
    day: date
    status: str  # late or missing


def lapses(session: Session, window: Window, now: datetime) -> list[UnitLapse]:
    """Units that filed late (after their deadline) or not at all, for each report day."""
    days = window_compliance(session, window.days[0], window.days[-1], window.tz, now)
    return [
        UnitLapse(d.unit_id, d.unit_name, d.deadline.astimezone(window.tz).date(), d.status)
        for d in days
        if d.status in (LATE, MISSING)
    ]


@dataclass(frozen=True)
class TallyLine:
    code: str
    name: str
    measure: str
    new: float
    cumulative: float


def tallies(session: Session, window: Window) -> list[TallyLine]:
    """Each active metric: its current values on the report days, and all up to them."""
    days = window.days
    in_days = (TallyEntry.day >= days[0]) & (TallyEntry.day <= days[-1])
    rows = session.execute(
        select(
            TallyMetric.code,
            TallyMetric.name,
            TallyMetric.measure,
            func.sum(case((in_days, TallyEntry.value), else_=0)),
            func.sum(TallyEntry.value),
        )
        .join(TallyEntry, TallyEntry.metric_id == TallyMetric.id)
        .where(
            TallyMetric.active.is_(True),
            TallyEntry.superseded_by_id.is_(None),
            TallyEntry.day <= days[-1],
        )
        .group_by(TallyMetric.id, TallyMetric.code, TallyMetric.name, TallyMetric.measure)
        .order_by(TallyMetric.position, TallyMetric.id)
    ).all()
    return [TallyLine(c, n, m, float(a or 0), float(b or 0)) for c, n, m, a, b in rows]
