"""Login throttling, per account and per address, with exponential backoff.

The audit log is the record: every failed login is a ``login_failed`` entry keyed
by the username (object_type "login") and the client address, so the count holds
across web processes and machines and every refusal is audited as
``login_throttled``. An account's count restarts at its last successful login; an
address's does not, so one good account cannot launder guesses at others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.store.models import AuditEntry

WINDOW = timedelta(hours=1)
FIRST_DELAY = 1.0  # seconds after the first failure past the free ones; doubles each time
MAX_DELAY = 900.0
LOGIN = "login"


@dataclass(frozen=True)
class Limit:
    free: int  # failures allowed before any wait
    resets_on_success: bool


ACCOUNT = Limit(free=5, resets_on_success=True)
ADDRESS = Limit(free=20, resets_on_success=False)


def backoff(failures: int, free: int) -> float:
    """Seconds to wait after the latest of ``failures`` failures."""
    if failures < free:
        return 0.0
    return float(min(FIRST_DELAY * 2.0 ** (failures - free), MAX_DELAY))


def _wait(session: Session, where: Any, limit: Limit, now: datetime) -> float:
    since = now - WINDOW
    if limit.resets_on_success:
        last_ok = session.scalar(
            select(func.max(AuditEntry.at)).where(
                where, AuditEntry.action == "login", AuditEntry.at >= since
            )
        )
        since = max(since, last_ok) if last_ok else since
    count, latest = session.execute(
        select(func.count(), func.max(AuditEntry.at)).where(
            where, AuditEntry.action == "login_failed", AuditEntry.at > since
        )
    ).one()
    if latest is None:
        return 0.0
    return max(0.0, (latest - now).total_seconds() + backoff(count, limit.free))


def wait_seconds(session: Session, username: str, address: str | None, now: datetime) -> int:
    """Whole seconds until this account may try again from this address (0: now)."""
    account = (AuditEntry.object_type == LOGIN) & (AuditEntry.object_id == username)
    waits = [_wait(session, account, ACCOUNT, now)]
    if address:
        waits.append(_wait(session, AuditEntry.remote_addr == address, ADDRESS, now))
    return math.ceil(max(waits))


def record(
    session: Session,
    action: str,
    username: str,
    address: str | None,
    user_id: int | None = None,
    **detail: Any,
) -> None:
    """Audit a login, a failure or a throttled attempt, keyed for the counts above."""
    session.add(
        AuditEntry(
            action=action,
            user_id=user_id,
            object_type=LOGIN,
            object_id=username[:100],
            remote_addr=address,
            detail={"username": username[:64], **detail},
        )
    )
