"""Politeness shared across processes: two workers against one local host keep the
per-host interval between them (database on both backends, and Redis); each on
its own clock does not. robots.txt is parsed by protego (wildcards, ``$``) and
shared through the database, so a second fetcher does not ask again."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from yuqing.collect import robots
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.politeness import DatabaseSlots, RedisSlots
from yuqing.collect.shared import DatabaseRobots
from yuqing.errors import SourceUnreachable
from yuqing.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 1.0
PER_WORKER = 3
SLACK = 0.3  # jitter between a reserved start and its arrival on a loaded machine
REDIS = os.environ.get("YUQING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def arrivals(server: HTTPServer) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def answer(_request: Request) -> Response:
        with lock:
            times.append(time.time())
        return Response("page")

    server.expect_request("/page").respond_with_handler(answer)
    return times


def run_two_workers(slots: str, target: str) -> None:
    start = time.time() + 4.0  # both are up and waiting by then: their work overlaps
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [target, repr(start), str(PER_WORKER), str(INTERVAL)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.collect.politeness_worker", slots, *args],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err


def smallest_gap(times: list[float]) -> float:
    ordered = sorted(times)
    return min(b - a for a, b in itertools.pairwise(ordered))


def slots_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_two_workers_keep_the_interval_through_the_database(
    db: Database, httpserver: HTTPServer
) -> None:
    times = arrivals(httpserver)
    run_two_workers(slots_url(db), httpserver.url_for("/page"))
    assert len(times) == 2 * PER_WORKER
    assert smallest_gap(times) >= INTERVAL - SLACK, sorted(times)


def test_two_workers_keep_the_interval_through_redis(httpserver: HTTPServer) -> None:
    RedisSlots(REDIS)._client.delete("yuqing:host:localhost", "yuqing:host:127.0.0.1")
    times = arrivals(httpserver)
    run_two_workers(REDIS, httpserver.url_for("/page"))
    assert len(times) == 2 * PER_WORKER
    assert smallest_gap(times) >= INTERVAL - SLACK, sorted(times)


def test_each_on_its_own_clock_two_workers_crowd_the_host(httpserver: HTTPServer) -> None:
    """The control: without shared slots the same two workers break the interval, so
    the tests above can fail."""
    times = arrivals(httpserver)
    run_two_workers("local", httpserver.url_for("/page"))
    assert len(times) == 2 * PER_WORKER
    assert smallest_gap(times) < INTERVAL - SLACK


def test_database_slots_reserve_one_after_another(db: Database) -> None:
    slots = DatabaseSlots(db)
    assert slots.reserve("news.example", 1000.0, 5.0) == 1000.0
    assert slots.reserve("news.example", 1001.0, 5.0) == 1005.0  # queued behind the first
    assert slots.reserve("news.example", 1002.0, 5.0) == 1010.0
    assert slots.reserve("other.example", 1002.0, 5.0) == 1002.0  # other hosts unaffected
    assert slots.reserve("news.example", 2000.0, 5.0) == 2000.0  # long idle: now


# --- robots.txt ------------------------------------------------------------------

WILDCARDS = """User-agent: *
Allow: /*?lang=
Disallow: /news/*?
Disallow: /*.pdf$
Allow: /news/
Disallow: /
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/news/1.html", True),
        ("/news/list?page=2", False),  # Disallow: /news/*? — any query string
        ("/news/list?lang=zh", True),  # Allow: /*?lang= as long: a tie goes to Allow
        ("/news/report.pdf", False),  # $ anchors the end
        ("/news/report.pdf.html", True),
        ("/about", False),
    ],
)
def test_robots_wildcards_and_end_anchor(path: str, allowed: bool) -> None:
    rules = robots.parse_robots(WILDCARDS.encode())
    refusal = rules.refusal(f"https://site.example{path}", "yuqing/0.1")
    assert (refusal is None) == allowed


def test_robots_shared_through_the_database(db: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(WILDCARDS)
    httpserver.expect_request("/news/a").respond_with_data("page")
    policy = FetchPolicy(min_interval=0.01, retries=0)
    for _ in range(2):  # two fetchers, as two workers would have, one robots cache table
        with Fetcher(policy, robots_store=DatabaseRobots(db)) as fetcher:
            assert fetcher.fetch(httpserver.url_for("/news/a"), allow_private=True).text == "page"
            with pytest.raises(SourceUnreachable, match=r"robots\.txt disallows it"):
                fetcher.fetch(httpserver.url_for("/news/a?x=1"), allow_private=True)
    asked = [r for r, _ in httpserver.log if r.path == "/robots.txt"]
    assert len(asked) == 1
