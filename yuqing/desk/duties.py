"""What the desk wing does on the schedule, every minute: case escalation, alerts for
repeated rumours, and alert delivery. Each step is idempotent and costs a few small
queries when there is nothing to do."""

from __future__ import annotations

from datetime import datetime, timedelta

from yuqing.config import Settings
from yuqing.desk.channels import Sender
from yuqing.desk.delivery import DeliveryRun, deliver
from yuqing.desk.escalation import escalate_overdue
from yuqing.desk.factchecks import raise_match_alerts
from yuqing.store.db import Database


def run_duties(
    db: Database, settings: Settings, now: datetime, sender: Sender | None = None
) -> DeliveryRun:
    """Do whatever has fallen due by ``now`` (UTC); safe to call again."""
    with db.transaction() as session:
        escalate_overdue(session, now, timedelta(hours=settings.case_escalation_hours))
        raise_match_alerts(session, now, settings.tz)
    return deliver(db, settings, now, sender)
