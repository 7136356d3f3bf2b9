"""Overdue cases: first a reminder to the department, then, after a grace period, the desk head.

Each step is one alert with its own dedupe key and a level on the case, so running
this every minute moves a case at most one step and never repeats a step.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.store.alerts import raise_alert
from yuqing.store.models import Case, CaseStatus, Role, Unit

REMINDED = 1
ESCALATED = 2


def escalate_overdue(session: Session, now: datetime, grace: timedelta) -> int:
    """Move every overdue, unanswered case one step; returns how many moved."""
    moved = 0
    overdue = session.scalars(
        select(Case)
        .where(
            Case.status.in_((CaseStatus.OPEN.value, CaseStatus.ESCALATED.value)),
            Case.deadline < now,
            Case.escalation_level < ESCALATED,
            Case.department_id.is_not(None),
        )
        .with_for_update(skip_locked=True)
    ).all()
    for case in overdue:
        if case.escalation_level == 0:
            _remind(session, case)
        elif case.escalated_at is not None and case.escalated_at + grace <= now:
            _escalate(session, case)
        else:
            continue
        case.escalated_at = now
        moved += 1
    return moved


def _department(session: Session, case: Case) -> str:
    unit = session.get(Unit, case.department_id) if case.department_id else None
    return unit.name if unit else "承办部门"


def _remind(session: Session, case: Case) -> None:
    case.escalation_level = REMINDED
    raise_alert(
        session,
        kind="case_overdue",
        title=f"督办事项逾期未回复：{case.title}（{_department(session, case)}）",
        dedupe_key=f"case_overdue:{case.id}:{REMINDED}",
        detail={
            "case_id": case.id,
            "level": REMINDED,
            "audience": {"department_id": case.department_id},
        },
        severity="major",
    )


def _escalate(session: Session, case: Case) -> None:
    case.escalation_level = ESCALATED
    case.status = CaseStatus.ESCALATED.value
    raise_alert(
        session,
        kind="case_escalated",
        title=f"督办事项催办后仍未回复，请负责人督促：{case.title}（{_department(session, case)}）",
        dedupe_key=f"case_overdue:{case.id}:{ESCALATED}",
        detail={"case_id": case.id, "level": ESCALATED, "audience": {"role": Role.SIGNER.value}},
        severity="serious",
    )
