"""A report pressed twice: the second press finds the first and files nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.network.field_reports import ReportDraft
from yuqing.store.models import FieldReport
from yuqing.text.pii import redact

WINDOW = timedelta(minutes=10)


def just_filed(
    session: Session, officer_id: int, draft: ReportDraft, now: datetime
) -> FieldReport | None:
    """The same officer's report with the same title and text filed within WINDOW, if any."""
    title, body = redact(draft.title.strip()).text, redact(draft.body.strip()).text
    return session.scalar(
        select(FieldReport)
        .where(
            FieldReport.officer_id == officer_id,
            FieldReport.is_zero.is_(False),
            FieldReport.title == title,
            FieldReport.body == body,
            FieldReport.submitted_at >= now - WINDOW,
        )
        .limit(1)
    )
