"""A poll's lease on its source: renewed by a heartbeat while the poll runs, so a
long poll keeps it; after kill -9 the source is free again within the lease time,
not 15 minutes; `yuqing collect` on a busy source says so and exits non-zero."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.poll import PollReport, poll_source
from yuqing.collect.sources import parse_spec, take_lease, upsert_source
from yuqing.store.db import Database
from yuqing.store.models import Source

ROOT = Path(__file__).resolve().parents[2]
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>卡口排队</title><link>/n/1.html</link><description>卡口排队两公里</description></item>
</channel></rss>"""


@pytest.fixture
def held_feed(httpserver: HTTPServer) -> Iterator[tuple[threading.Event, threading.Event]]:
    """A feed that answers only when ``release`` is set; ``asked`` is set on arrival."""
    asked, release = threading.Event(), threading.Event()

    def answer(_request: Request) -> Response:
        asked.set()
        release.wait(timeout=60)
        return Response(FEED, content_type="application/rss+xml")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_handler(answer)
    yield asked, release
    release.set()


def add_feed(db: Database, url: str) -> int:
    with db.transaction() as session:
        spec = parse_spec({"name": "慢源", "kind": "rss", "url": url, "allow_private": True})
        return upsert_source(session, spec).id


def someone_else_can_take(db: Database, source_id: int) -> bool:
    with db.transaction() as session:
        return take_lease(session, source_id, 60, holder="test")


def test_a_long_poll_keeps_its_source_by_heartbeat(
    db: Database, httpserver: HTTPServer, held_feed: tuple[threading.Event, threading.Event]
) -> None:
    asked, release = held_feed
    source_id = add_feed(db, httpserver.url_for("/feed.xml"))
    reports: list[PollReport] = []

    def poll() -> None:
        with Fetcher(FetchPolicy(min_interval=0.01, retries=0)) as fetcher:
            reports.append(
                poll_source(
                    db,
                    source_id,
                    fetcher=fetcher,
                    secret="s" * 32,
                    tz=ZoneInfo("UTC"),
                    lease_seconds=1,
                )
            )

    thread = threading.Thread(target=poll)
    thread.start()
    assert asked.wait(timeout=30)
    time.sleep(2.5)  # well past the 1 s lease: only the heartbeat can have kept it
    assert not someone_else_can_take(db, source_id)
    release.set()
    thread.join(timeout=60)
    assert reports[0].status == "ok" and reports[0].summary.stored == 1
    with db.reading() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.lease_until is None and source.lease_holder is None


CRASHING_POLL = """
import sys
from zoneinfo import ZoneInfo
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.poll import poll_source
from yuqing.store.db import Database
url, source_id = sys.argv[1], int(sys.argv[2])
with Fetcher(FetchPolicy(min_interval=0.01, retries=0)) as fetcher:
    poll_source(Database(url), source_id, fetcher=fetcher, secret="s" * 32,
                tz=ZoneInfo("UTC"), lease_seconds=2)
"""


def test_kill_9_mid_poll_frees_the_source_within_the_lease(
    db: Database, httpserver: HTTPServer, held_feed: tuple[threading.Event, threading.Event]
) -> None:
    asked, _release = held_feed
    source_id = add_feed(db, httpserver.url_for("/feed.xml"))
    url = db.engine.url.render_as_string(hide_password=False)
    worker = subprocess.Popen(
        [sys.executable, "-c", CRASHING_POLL, url, str(source_id)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert asked.wait(timeout=60), "the poll never reached the feed"
        assert not someone_else_can_take(db, source_id)  # held while the poll runs
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    killed = time.monotonic()
    while not someone_else_can_take(db, source_id):
        assert time.monotonic() - killed < 30, "the crashed poll's lease never expired"
        time.sleep(0.2)
    with db.reading() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.lease_holder == "test"


def yuqing(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
    env.update(YUQING_DATA_DIR=str(tmp_path / "data"), COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-c", "from yuqing.cli.main import main; main()", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_collect_on_a_busy_source_exits_non_zero_with_a_clear_line(tmp_path: Path) -> None:
    assert yuqing(tmp_path, "init").returncode == 0
    added = yuqing(
        tmp_path,
        "source",
        "add",
        "本地源",
        "--kind",
        "rss",
        "--url",
        "http://127.0.0.1:9/feed.xml",
        "--allow-private",
    )
    assert added.returncode == 0, added.stderr
    db = Database(f"sqlite:///{tmp_path / 'data' / 'yuqing.db'}")
    with db.transaction() as session:
        source_id = session.query(Source.id).scalar()
        assert take_lease(session, source_id, 600, holder="worker-2:4711")
    result = yuqing(tmp_path, "collect", "本地源")
    assert result.returncode == 3
    assert "busy, not polled: 本地源 (worker-2:4711 is polling it" in result.stderr
    db.dispose()
