"""One fetching worker for the politeness test, run as its own process:
``python -m tests.collect.politeness_worker SLOTS TARGET START COUNT INTERVAL``.

SLOTS is ``local``, a database URL or a redis:// URL; the worker waits until the
Unix time START, then fetches TARGET COUNT times through a fetcher whose throttle
uses those slots."""

from __future__ import annotations

import sys
import time

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.politeness import (
    DatabaseSlots,
    HostSlots,
    LocalSlots,
    RedisSlots,
    SharedThrottle,
)
from yuqing.store.db import Database


def slots_for(spec: str) -> HostSlots:
    if spec == "local":
        return LocalSlots()
    if spec.startswith("redis://"):
        return RedisSlots(spec)
    return DatabaseSlots(Database(spec))


def main() -> None:
    spec, target, start, count, interval = sys.argv[1:6]
    throttle = SharedThrottle(slots_for(spec), float(interval))
    policy = FetchPolicy(min_interval=float(interval), respect_robots=False, retries=0)
    with Fetcher(policy, throttle=throttle) as fetcher:
        time.sleep(max(0.0, float(start) - time.time()))
        for _ in range(int(count)):
            fetcher.fetch(target, allow_private=True)


if __name__ == "__main__":
    main()
