"""Who has reported for a day, on time, late or not at all, rolled up the hierarchy.

A unit's day is due at its ``report_deadline`` in the desk's time zone; the first
report or zero report filed by then makes the day on time. Before the deadline a
unit that has filed nothing is pending, after it missing.

A unit is expected from the local day it was created; one made inactive is expected
only on the days before the local day it was made inactive, so that its history still
counts. An inactive unit with no recorded time (made inactive before that was kept)
is not expected at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from yuqing.store.models import FieldReport, Role, Unit, UnitKind, User, UserRole

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
STATUS_LABELS = {ON_TIME: "按时", LATE: "迟报", MISSING: "缺报", PENDING: "待报"}


@dataclass(frozen=True)
class UnitDay:
    unit_id: int
    unit_name: str
    path: str
    deadline: datetime  # UTC
    status: str  # on_time | late | missing | pending
    is_zero: bool  # only a zero report (今日无情况) was filed
    reports: int  # field reports with content, zero reports not counted
    first_submitted_at: datetime | None


@dataclass(frozen=True)
class RollUp:
    """Counts of a unit's subtree (the unit itself included) for one day or window."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True)
class _Filed:
    first: datetime
    reports: int
    zeros: int


def deadline_at(day: date, deadline: time, tz: ZoneInfo) -> datetime:
    """The UTC instant a unit's report for ``day`` is due (local wall time in ``tz``)."""
    return datetime.combine(day, deadline, tzinfo=tz).astimezone(UTC)


def expected_units(session: Session) -> list[Unit]:
    """Units that report daily on some days: not a department, with an active officer,
    active or made inactive at a known time (see ``expected_on`` for which days)."""
    staffed = (
        select(UserRole.unit_id)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.role == Role.OFFICER.value, User.active, UserRole.unit_id.is_not(None))
    )
    return list(
        session.scalars(
            select(Unit)
            .where(
                or_(Unit.active, Unit.deactivated_at.is_not(None)),
                Unit.kind != UnitKind.DEPARTMENT.value,
                Unit.id.in_(staffed),
            )
            .order_by(Unit.path)
        )
    )


def expected_on(unit: Unit, day: date, tz: ZoneInfo) -> bool:
    """Whether ``unit`` had to report for ``day``: from its creation's local day on,
    and, once inactive, only before the local day it was made inactive."""
    if day < unit.created_at.astimezone(tz).date():
        return False
    if unit.active:
        return True
    stopped = unit.deactivated_at
    return stopped is not None and day < stopped.astimezone(tz).date()


def unit_compliance(session: Session, day: date, tz: ZoneInfo, now: datetime) -> list[UnitDay]:
    """Every expected unit's standing for ``day`` as of ``now``, in hierarchy order."""
    return window_compliance(session, day, day, tz, now)


def window_compliance(
    session: Session, start: date, end: date, tz: ZoneInfo, now: datetime
) -> list[UnitDay]:
    """``unit_compliance`` for each day of start..end (inclusive), day by day."""
    units = expected_units(session)
    filed = _filed(session, start, end, [u.id for u in units])
    days: list[UnitDay] = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        days.extend(
            _unit_day(u, day, tz, now, filed.get((u.id, day)))
            for u in units
            if expected_on(u, day, tz)
        )
    return days


def _unit_day(unit: Unit, day: date, tz: ZoneInfo, now: datetime, filed: _Filed | None) -> UnitDay:
    due = deadline_at(day, unit.report_deadline, tz)
    if filed is not None:
        status = ON_TIME if filed.first <= due else LATE
    else:
        status = PENDING if now <= due else MISSING
    return UnitDay(
        unit_id=unit.id,
        unit_name=unit.name,
        path=unit.path,
        deadline=due,
        status=status,
        is_zero=filed is not None and filed.reports == 0 and filed.zeros > 0,
        reports=filed.reports if filed else 0,
        first_submitted_at=filed.first if filed else None,
    )


def _filed(
    session: Session, start: date, end: date, unit_ids: list[int]
) -> dict[tuple[int, date], _Filed]:
    if not unit_ids:
        return {}
    rows = session.execute(
        select(
            FieldReport.unit_id,
            FieldReport.report_date,
            func.min(FieldReport.submitted_at),
            func.sum(case((FieldReport.is_zero, 0), else_=1)),
            func.sum(case((FieldReport.is_zero, 1), else_=0)),
        )
        .where(
            FieldReport.report_date.between(start, end),
            FieldReport.unit_id.in_(unit_ids),
        )
        .group_by(FieldReport.unit_id, FieldReport.report_date)
    )
    found = {}
    for unit_id, day, first, reports, zeros in rows:
        # min() over a TypeDecorator column comes back without its type on SQLite
        first_at = _aware(first)
        found[(unit_id, day)] = _Filed(first_at, int(reports or 0), int(zeros or 0))
    return found


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def rollup(days: Iterable[UnitDay]) -> dict[int, RollUp]:
    """Per unit id, counts over its subtree: every ancestor named in a path gets them."""
    counts: dict[int, Counter[str]] = {}
    for day in days:
        for part in day.path.strip("/").split("/"):
            if part:
                tally = counts.setdefault(int(part), Counter())
                tally["expected"] += 1
                tally[day.status] += 1
    return {
        unit_id: RollUp(
            expected=c["expected"],
            on_time=c[ON_TIME],
            late=c[LATE],
            missing=c[MISSING],
            pending=c[PENDING],
        )
        for unit_id, c in counts.items()
    }
