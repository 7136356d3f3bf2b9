"""Raising alerts once: a happening has a key, and a key makes one alert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuqing.store.models import Alert
from yuqing.store.types import utcnow


def raise_alert(
    session: Session,
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    detail: dict[str, Any] | None = None,
    severity: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Store the alert unless one with this key exists; True when it is new. ``at`` is
    when it happened (default now), e.g. the end of a spike's hour."""
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    statement = (
        insert(Alert)
        .values(
            kind=kind,
            title=title,
            dedupe_key=dedupe_key[:300],
            detail=detail or {},
            severity=severity,
            created_at=at or utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        # rowcount is not reliable for ORM inserts on PostgreSQL; a returned id is.
        .returning(Alert.id)
    )
    return session.execute(statement).first() is not None
