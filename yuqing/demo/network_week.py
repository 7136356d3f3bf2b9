"""The demo plays the units' week: reports, zero reports, tallies, directives, scores.

Reports and tallies are already filed (by e-mail and through the network wing when
the scenario loaded); here the desk sends the districts a task, the districts answer
it as their habits go, the desk adopts the weightier reports, and the week's
compliance and the top of the assessment are printed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.demo.scenario import Scenario
from yuqing.network.assessment import assess
from yuqing.network.compliance import rollup, window_compliance
from yuqing.network.directives import acknowledge, complete, send_directive
from yuqing.network.field_reports import adopt
from yuqing.network.scope import Reach, officer_reach
from yuqing.store.db import Database
from yuqing.store.models import FieldReport, Role, Unit, User, UserRole
from yuqing.store.types import utcnow

TASK_TITLE = "开展防疫知识进社区宣传"
# How each district answers: completes on time, late, only acknowledges, or not at all.
ANSWERS = {"东城区": "on_time", "昆都仑区": "late", "西湖区": "acknowledged"}
ADOPT_URGENCIES = ("较大", "重大")


def play(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """Play this part of the demo on a loaded, analysed desk; returns lines to print."""
    tz = settings.tz
    first = scenario.start.astimezone(tz).date()
    last = first + timedelta(days=scenario.days - 1)
    with db.transaction() as session:
        if session.scalar(select(FieldReport.id).where(FieldReport.adopted)) is None:
            _run_task(session, tz_local(first, time(9), settings))
            adopted = _adopt(session, _analyst(session))
        else:
            adopted = 0  # played before on this database
    with db.reading() as session:
        end_of_week = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        days = window_compliance(session, first, last, tz, max(utcnow(), end_of_week))
        scores = assess(session, first, last, tz, now=max(utcnow(), end_of_week))
        city = session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
    week = rollup(days).get(city or 0)
    lines = [f"network week {first}..{last}: {adopted} field reports adopted by the desk"]
    if week:
        lines.append(
            f"  unit-days expected {week.expected}: on time {week.on_time}, "
            f"late {week.late}, missing {week.missing}"
        )
    for score in scores[:3]:
        lines.append(
            f"  #{score.rank} {score.unit_name} {score.score:.1f} "
            f"({score.days_covered}/{score.days_expected} days, on time {score.on_time_rate:.0%})"
        )
    return lines


def tz_local(day: date, at: time, settings: Settings) -> datetime:
    return datetime.combine(day, at, tzinfo=settings.tz).astimezone(UTC)


def _analyst(session: Session) -> int | None:
    return session.scalar(
        select(UserRole.user_id).where(UserRole.role == Role.ANALYST.value).limit(1)
    )


def _run_task(session: Session, sent_at: datetime) -> None:
    districts = {
        u.name: u
        for u in session.scalars(select(Unit).where(Unit.kind.in_(("district", "county"))))
    }
    deadline = sent_at + timedelta(days=2, hours=8)  # day 3, 17:00
    directive = send_directive(
        session,
        kind="task",
        title=TASK_TITLE,
        body="请各区县组织社区工作者入户发放防疫知识宣传单，张贴海报，并报告完成情况。",
        unit_ids=[u.id for u in districts.values()],
        deadline=deadline,
        user_id=_analyst(session),
        now=sent_at,
    )
    for name, answer in ANSWERS.items():
        unit = districts.get(name)
        if unit is None:
            continue
        reach = _officer_of(session, unit) or Reach.everywhere()
        acknowledge(session, reach, directive.id, unit.id, now=sent_at + timedelta(hours=2))
        if answer != "acknowledged":
            done = (
                deadline - timedelta(hours=5)
                if answer == "on_time"
                else deadline + timedelta(hours=20)
            )
            note = "已入户发放宣传单并张贴海报"
            complete(session, reach, directive.id, unit.id, note=note, now=done)


def _officer_of(session: Session, unit: Unit) -> Reach | None:
    officer = session.scalar(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.OFFICER.value, UserRole.unit_id == unit.id)
        .limit(1)
    )
    return officer_reach(session, officer, [unit.id]) if officer else None


def _adopt(session: Session, analyst: int | None) -> int:
    """The desk adopts the weightier reports (or, of e-mailed ones, which carry no
    urgency, every third) the evening they arrive."""
    filed = session.scalars(
        select(FieldReport).where(~FieldReport.is_zero).order_by(FieldReport.id)
    ).all()
    chosen = [
        r
        for n, r in enumerate(filed)
        if r.urgency in ADOPT_URGENCIES or (r.urgency is None and n % 3 == 0)
    ]
    for report in chosen:
        adopt(session, report.id, analyst, None, now=report.submitted_at + timedelta(hours=3))
    return len(chosen)
