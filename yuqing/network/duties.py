"""The network wing's scheduled work: reminders before report and directive deadlines.

Each reminder is an alert with a dedupe key per unit and day (or directive), so that
running every minute reminds a unit once; the desk wing delivers alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.network.compliance import PENDING, unit_compliance
from yuqing.store.alerts import raise_alert
from yuqing.store.db import Database
from yuqing.store.models import Directive, DirectiveTarget, Unit

REPORT_LEAD = timedelta(hours=1)
DIRECTIVE_LEAD = timedelta(hours=2)


def run_duties(db: Database, settings: Settings, now: datetime) -> None:
    """Do whatever has fallen due by ``now`` (UTC); safe to call again."""
    with db.transaction() as session:
        remind_reports(session, settings, now)
        remind_directives(session, settings, now)


def remind_reports(session: Session, settings: Settings, now: datetime) -> int:
    """Remind units that have filed nothing, from an hour before today's deadline."""
    day = now.astimezone(settings.tz).date()
    raised = 0
    for unit_day in unit_compliance(session, day, settings.tz, now):
        if unit_day.status != PENDING or now < unit_day.deadline - REPORT_LEAD:
            continue
        local = unit_day.deadline.astimezone(settings.tz).strftime("%H:%M")
        raised += raise_alert(
            session,
            kind="report_reminder",
            title=f"{unit_day.unit_name}尚未报送{day}的社会舆情信息（{local}截止）",
            dedupe_key=f"report_reminder:{unit_day.unit_id}:{day.isoformat()}",
            detail={
                "unit_id": unit_day.unit_id,
                "day": day.isoformat(),
                "deadline": unit_day.deadline.isoformat(),
            },
        )
    return raised


def remind_directives(session: Session, settings: Settings, now: datetime) -> int:
    """Remind units that have not completed a directive due within two hours."""
    rows = session.execute(
        select(Directive, DirectiveTarget.unit_id, Unit.name)
        .join(DirectiveTarget, DirectiveTarget.directive_id == Directive.id)
        .join(Unit, Unit.id == DirectiveTarget.unit_id)
        .where(
            DirectiveTarget.completed_at.is_(None),
            Directive.deadline > now,
            Directive.deadline <= now + DIRECTIVE_LEAD,
        )
    )
    raised = 0
    for directive, unit_id, unit_name in rows:
        assert directive.deadline is not None  # filtered above
        local = directive.deadline.astimezone(settings.tz).strftime("%m-%d %H:%M")
        raised += raise_alert(
            session,
            kind="directive_reminder",
            title=f"{unit_name}尚未完成“{directive.title}”（{local}截止）",
            dedupe_key=f"directive_reminder:{directive.id}:{unit_id}",
            detail={"unit_id": unit_id, "directive_id": directive.id},
        )
    return raised
