"""The schedule: due sources are queued, each polled once however many workers ask,
on the SQLite queue and on Redis."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from huey import MemoryHuey, RedisHuey
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from tests.jobs.conftest import free_port
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.config import Settings, load_settings
from yuqing.jobs.queue import Jobs
from yuqing.store.db import Database
from yuqing.store.models import Item, Source

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>卡口排队</title><link>/n/1.html</link><description>卡口排队两公里</description></item>
</channel></rss>"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, secret_key="q" * 32, fetch_interval=1.0)


def slow_feed(httpserver: HTTPServer, delay: float) -> list[float]:
    """A feed that takes ``delay`` seconds to answer; returns the times it was asked."""
    hits: list[float] = []

    def answer(request: Request) -> Response:
        hits.append(time.monotonic())
        time.sleep(delay)
        return Response(FEED, content_type="application/rss+xml")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_handler(answer)
    return hits


def add_feed(db: Database, url: str) -> int:
    with db.transaction() as session:
        spec = parse_spec({"name": "慢源", "kind": "rss", "url": url, "allow_private": True})
        return upsert_source(session, spec).id


def test_tick_queues_due_sources_and_the_poll_stores(
    sqlite_db: Database, settings: Settings, httpserver: HTTPServer
) -> None:
    slow_feed(httpserver, 0)
    source_id = add_feed(sqlite_db, httpserver.url_for("/feed.xml"))
    jobs = Jobs(settings, sqlite_db, huey=MemoryHuey(immediate=True))
    assert jobs.tick_now() == [source_id]
    with sqlite_db.reading() as session:
        assert session.scalar(select(Item.title)) == "卡口排队"
        source = session.get(Source, source_id)
        assert source is not None and source.lease_until is None
    assert jobs.tick_now() == []  # polled a moment ago: not due for an hour


def test_two_workers_never_poll_one_source_at_once(
    sqlite_db: Database, settings: Settings, httpserver: HTTPServer
) -> None:
    hits = slow_feed(httpserver, 0.5)
    source_id = add_feed(sqlite_db, httpserver.url_for("/feed.xml"))
    jobs = Jobs(settings, sqlite_db, huey=MemoryHuey(immediate=True))
    results: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(jobs.poll_now(source_id, only_if_due=False).status)
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["busy", "busy", "busy", "ok"]
    assert len(hits) == 1


def test_workers_on_redis_share_the_queue(
    sqlite_db: Database, settings: Settings, httpserver: HTTPServer, redis_url: str
) -> None:
    """Two consumers (as on two machines) drain one Redis queue; the source is polled once."""
    hits = slow_feed(httpserver, 0.3)
    source_id = add_feed(sqlite_db, httpserver.url_for("/feed.xml"))
    name = f"yuqing-test-{free_port()}"
    first = Jobs(settings, sqlite_db, huey=RedisHuey(name, url=redis_url))
    second = Jobs(settings, sqlite_db, huey=RedisHuey(name, url=redis_url))
    for _ in range(3):
        first.poll(source_id)
        second.poll(source_id)
    consumers = [jobs.consumer(workers=2, periodic=False) for jobs in (first, second)]
    for consumer in consumers:
        consumer.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(first.huey) + len(second.huey):
            time.sleep(0.1)
        time.sleep(1.0)  # let the last task finish
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
    assert len(first.huey) == 0
    assert len(hits) == 1  # six queued polls of one source: one fetch
    with sqlite_db.reading() as session:
        assert len(session.scalars(select(Item.id)).all()) == 1
