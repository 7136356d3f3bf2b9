"""Named leases in the database: exactly one holder at a time, on every process and
machine that shares the database.

``take`` claims a free (or expired, or already ours) lease in one statement;
``renew`` extends it only while we still hold it; ``release`` frees it. A holder
that dies stops renewing, and its lease is free again ``seconds`` later.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuqing.store.db import Database
from yuqing.store.models import Lease
from yuqing.store.types import utcnow

logger = logging.getLogger(__name__)
_PROCESS = uuid.uuid4().hex[:8]


def holder_id() -> str:
    """This thread of this process on this machine, as a lease holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{_PROCESS}"


def take(
    session: Session, name: str, holder: str, seconds: float, now: datetime | None = None
) -> bool:
    """Claim ``name`` for ``seconds``; False when someone else holds it."""
    now = now or utcnow()
    until = now + timedelta(seconds=seconds)
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    created = session.execute(
        insert(Lease)
        .values(name=name, holder=holder, until=until, taken_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(Lease.name)
    ).first()
    if created is not None:
        return True
    claimed = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.until < now, Lease.holder == holder))
        .values(holder=holder, until=until, taken_at=now)
        .returning(Lease.name)
        .execution_options(synchronize_session=False)
    ).first()
    return claimed is not None


def renew(
    session: Session, name: str, holder: str, seconds: float, now: datetime | None = None
) -> bool:
    """Extend our lease; False when it is no longer ours (it expired and was taken)."""
    now = now or utcnow()
    renewed = session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(until=now + timedelta(seconds=seconds))
        .returning(Lease.name)
        .execution_options(synchronize_session=False)
    ).first()
    return renewed is not None


def release(session: Session, name: str, holder: str) -> None:
    session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def current(session: Session, name: str) -> Lease | None:
    """The lease's row while someone holds it."""
    lease = session.scalar(select(Lease).where(Lease.name == name))
    return lease if lease is not None and lease.until >= utcnow() else None


class Heartbeat:
    """Renews a lease every ``interval`` seconds on a background thread while the
    holder works; ``lost`` turns true when a renewal finds the lease gone."""

    def __init__(self, db: Database, renew: Callable[[Session], bool], interval: float) -> None:
        self._db = db
        self._renew = renew
        self._interval = interval
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                with self._db.transaction() as session:
                    kept = self._renew(session)
            except Exception:  # a database hiccup: try again next beat
                logger.warning("lease renewal failed; retrying", exc_info=True)
                continue
            if not kept:
                self.lost = True
                logger.error("lease lost: another holder took it after it expired")
                return
