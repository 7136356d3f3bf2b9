"""What the fetchers of one deployment share: the per-host clock and the robots.txt
cache, in the database (or Redis, when configured) so that every thread and
machine sees the same."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from yuqing.collect import robots
from yuqing.collect.politeness import DatabaseSlots, HostSlots, RedisSlots, SharedThrottle
from yuqing.config import Settings
from yuqing.store.db import Database
from yuqing.store.models import RobotsEntry


def shared_throttle(settings: Settings, db: Database) -> SharedThrottle:
    slots: HostSlots = RedisSlots(settings.redis_url) if settings.redis_url else DatabaseSlots(db)
    return SharedThrottle(slots, settings.fetch_interval)


def shared_robots(db: Database) -> DatabaseRobots:
    return DatabaseRobots(db)


class DatabaseRobots:
    """robots.txt outcomes in the ``robots_cache`` table, with this process's copy in
    front so that a page fetch does not read the table each time."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._memory = robots.LockedRobotsCache()

    def get(self, key: str) -> robots.RobotsRules | None:
        rules = self._memory.get(key)
        if rules is not None:
            return rules
        with self._db.reading() as session:
            row = session.scalar(select(RobotsEntry).where(RobotsEntry.key == key[:300]))
        if row is None or row.expires_at <= time.time():
            return None
        rules = _rules_of(row)
        self._memory.put(key, rules)
        return rules

    def put(self, key: str, rules: robots.RobotsRules) -> None:
        self._memory.put(key, rules)
        kind = "parsed" if rules.parser is not None else "allow" if rules.allow_all else "disallow"
        values = {
            "kind": kind,
            "status": 0,
            "body": rules.body,
            "reason": rules.reason,
            "transient": int(rules.transient),
            "expires_at": time.time() + robots.ttl_of(rules),
        }
        insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        with self._db.transaction() as session:
            session.execute(
                insert(RobotsEntry)
                .values(key=key[:300], **values)
                .on_conflict_do_update(index_elements=["key"], set_=values)
            )


def _rules_of(row: RobotsEntry) -> robots.RobotsRules:
    if row.kind == "parsed":
        return robots.parse_robots(row.body.encode("utf-8"))
    if row.kind == "allow":
        return robots.allow_all(row.reason)
    return robots.disallow_all(row.reason, transient=bool(row.transient))
