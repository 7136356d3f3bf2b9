"""Per-host politeness shared by every thread and machine.

Each request to a host first reserves a start time: the later of now and the
host's next allowed time, which moves on by the interval. The reservation is one
atomic step in the database (a single upsert) or in Redis (a Lua script), so two
workers on two machines can never both start a request to a host within the
interval. Times are Unix seconds, so the machines' clocks must agree (NTP).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from yuqing.store.db import Database
from yuqing.store.models import HostSlot


class HostSlots(Protocol):
    def reserve(self, host: str, now: float, interval: float) -> float:
        """Claim the host's next start at or after ``now``; returns that start."""
        ...


class LocalSlots:
    """Reservations inside one process (its threads share them)."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, now: float, interval: float) -> float:
        with self._lock:
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
            return start


class DatabaseSlots:
    """Reservations in the ``host_slots`` table, one upsert each."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def reserve(self, host: str, now: float, interval: float) -> float:
        later = func.max if self._db.is_sqlite else func.greatest
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            insert(HostSlot)
            .values(host=host[:300], next_at=now + interval)
            .on_conflict_do_update(
                index_elements=["host"], set_={"next_at": later(HostSlot.next_at, now) + interval}
            )
            .returning(HostSlot.next_at)
        )
        with self._db.transaction() as session:
            next_at = float(session.execute(statement).scalar_one())
        return next_at - interval


# KEYS[1] the host's key; ARGV now, interval. Returns the reserved start.
_RESERVE = """
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
if start < now then start = now end
redis.call('SET', KEYS[1], tostring(start + tonumber(ARGV[2])), 'EX', 3600)
return tostring(start)
"""


class RedisSlots:
    """Reservations in Redis (``yuqing:host:<name>``), one script call each."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url)
        self._script = self._client.register_script(_RESERVE)

    def reserve(self, host: str, now: float, interval: float) -> float:
        return float(self._script(keys=[f"yuqing:host:{host}"], args=[repr(now), repr(interval)]))


class SharedThrottle:
    """Waits out a host's reserved start before each request (``Fetcher``'s throttle)."""

    def __init__(
        self,
        slots: HostSlots,
        min_interval: float,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.slots = slots
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str) -> None:
        now = self._clock()
        delay = self.slots.reserve(host, now, self.min_interval) - now
        if delay > 0:
            self._sleep(delay)
