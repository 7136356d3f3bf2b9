"""The desk's audit trail: every change a person makes is one AuditEntry. Its
details are typed text too (a note, an outcome, a search): redacted as stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yuqing.store.models import AuditEntry


def audit(
    session: Session,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    **detail: Any,
) -> None:
    """Record who did what to which record; the time is the row's own."""
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=detail,  # redacted as it is set (yuqing.text.typed)
        )
    )
