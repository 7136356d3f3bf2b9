"""Analysis shared by two `yuqing worker` processes on PostgreSQL and Redis — each
in a network (and host-name) namespace of its own when the machine allows, as two
hosts reaching the database and the queue only through their sockets. One worker
is killed with SIGKILL in the middle of its chunks; the other and a replacement
finish, and every item is analysed exactly once: tagged once, folded once, none
lost.

The kill is made certain, not lucky: the test holds a SHARE lock on ``item_tags``,
so every worker that has taken a chunk stops at writing it back; it kills one only
once both have taken chunks, then lets go of the lock.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from huey import RedisHuey
from sqlalchemy import URL, select, update
from sqlalchemy.engine import make_url

from tests.conftest import empty_tables
from tests.jobs.conftest import PrivateRedis
from yuqing.analyse.pipeline import ALL_STAGES
from yuqing.config import Settings, load_settings
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import build_scenario
from yuqing.jobs.queue import Jobs
from yuqing.store.db import Database
from yuqing.store.models import Item, ItemTags, Lease, TagChunk

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 240
CHUNK_ITEMS = 20
CHUNK_SECONDS = 4  # a dead worker's chunk is handed out again this soon
WAIT = 300.0  # generous: workers start cold on a shared, busy machine


@pytest.fixture
def pg_db(_migrated: dict[str, Database]) -> Iterator[Database]:
    database = _migrated["postgresql"]
    empty_tables(database)
    yield database


def socket_url(db: Database) -> str | None:
    """The database's URL through its Unix socket (what a worker with no network of
    its own can reach), or None when the server has no socket here."""
    url = make_url(db.url)
    host = str(url.query.get("host", ""))
    if host.startswith("/"):
        return db.url
    for folder in ("/var/run/postgresql", "/run/postgresql", "/tmp"):
        if Path(folder, f".s.PGSQL.{url.port or 5432}").exists():
            query = {**url.query, "host": folder, "port": str(url.port or 5432)}
            bare = URL.create(
                url.drivername, url.username, url.password, database=url.database, query=query
            )
            return bare.render_as_string(hide_password=False)
    return None


def namespace_prefix() -> list[str] | None:
    """How to start a process as another host: unshare's new network and UTS
    namespaces (as root, or in a user namespace), or None where neither is allowed."""
    binary = shutil.which("unshare")
    if binary is None:
        return None
    for prefix in (
        [binary, "--net", "--uts"],
        [binary, "--user", "--map-root-user", "--net", "--uts"],
    ):
        probe = subprocess.run([*prefix, "hostname", "probe"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


class Workers:
    """`yuqing worker` processes, each (where allowed) a host of its own."""

    def __init__(self, db: Database, redis: PrivateRedis, data_dir: Path) -> None:
        prefix = namespace_prefix()
        db_url = socket_url(db) if prefix else None
        self.isolated = prefix is not None and db_url is not None
        self.prefix = prefix if self.isolated else None
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "YUQING_CONFIG": str(data_dir / "none.toml"),
            "YUQING_DATA_DIR": str(data_dir),
            "YUQING_SECRET_KEY": "q" * 32,
            "YUQING_DATABASE_URL": db_url if self.isolated and db_url else db.url,
            "YUQING_REDIS_URL": redis.socket_url if self.isolated else redis.url,
            "YUQING_ANALYSIS_SHARED": "true",
            "YUQING_ANALYSIS_CHUNK_SECONDS": str(CHUNK_SECONDS),
            "YUQING_WORKERS": "2",
        }
        self.started: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = data_dir

    def start(self, host: str) -> subprocess.Popen[bytes]:
        worker = [sys.executable, "-c", "from yuqing.cli.main import main; main()", "worker"]
        if self.prefix is not None:
            # unshare execs the shell, the shell execs Python: the pid is the worker's.
            script = f'hostname {host} && exec {shlex.quote(sys.executable)} -c "$0" worker'
            command = [*self.prefix, "sh", "-c", script, worker[2]]
        else:
            command = worker
        with (self.logs / f"{host}.log").open("wb") as log:  # the child keeps its own copy
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.started[host] = process
        return process

    def log(self, host: str) -> str:
        return (self.logs / f"{host}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, done: Callable[[], bool], why: Callable[[], str]) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}:\n{why()}")
        time.sleep(0.1)


def chunks_taken_by(db: Database, pid: int) -> list[int]:
    """Chunks a worker process has taken and not finished."""
    with db.reading() as session:
        return list(
            session.scalars(
                select(TagChunk.id).where(
                    TagChunk.done_at.is_(None), TagChunk.worker.like(f"%:{pid}:%")
                )
            )
        )


def seed(db: Database) -> None:
    scenario = build_scenario(seed=11, items=ITEMS)
    load_scenario(db, scenario, secret="q" * 32, password="demo-password")
    with db.transaction() as session:
        seed_desk(session, scenario.start.date())


@pytest.fixture
def settings(tmp_path: Path, private_redis: PrivateRedis) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        secret_key="q" * 32,
        redis_url=private_redis.url,
        analysis_shared=True,
        analysis_chunk_items=CHUNK_ITEMS,
        analysis_chunk_seconds=CHUNK_SECONDS,
        analysis_lease_seconds=10,  # a fold left behind by a failure stops soon
    )


def test_two_workers_analyse_every_item_once_though_one_is_killed(
    pg_db: Database, private_redis: PrivateRedis, settings: Settings, tmp_path: Path
) -> None:
    seed(pg_db)
    jobs = Jobs(settings, pg_db, huey=RedisHuey("yuqing", url=private_redis.url))
    jobs.huey.flush()
    workers = Workers(pg_db, private_redis, tmp_path)
    lock = pg_db.engine.connect()
    held = lock.begin()
    lock.exec_driver_sql("LOCK TABLE item_tags IN SHARE MODE")  # no tags written back yet
    folded: list[int] = []
    fold = threading.Thread(target=lambda: folded.append(jobs.analyse_now()), daemon=True)
    try:
        victim, other = workers.start("tagger-a"), workers.start("tagger-b")
        fold.start()
        wait_for(
            "both workers to take a chunk",
            lambda: bool(chunks_taken_by(pg_db, victim.pid) and chunks_taken_by(pg_db, other.pid)),
            lambda: workers.log("tagger-a") + workers.log("tagger-b"),
        )
        killed = chunks_taken_by(pg_db, victim.pid)
        victim.send_signal(signal.SIGKILL)  # mid-task: it cannot have written them
        victim.wait(timeout=30)
        held.rollback()
        lock.close()
        workers.start("tagger-c")  # a replacement; tagger-b works on meanwhile
        fold.join(timeout=WAIT)
        assert not fold.is_alive(), "the fold did not finish:\n" + workers.log("tagger-b")
    finally:
        if lock.in_transaction():
            held.rollback()
        lock.close()
        workers.stop()
        if fold.is_alive():  # take its lease away: it stops within a heartbeat
            with pg_db.transaction() as session:
                session.execute(update(Lease).values(holder="test-teardown"))
            fold.join(timeout=60)
    assert folded == [ITEMS]
    with pg_db.reading() as session:
        stages = session.execute(select(Item.id, Item.analysed_stages)).all()
        tags = session.execute(select(ItemTags.item_id, ItemTags.times, ItemTags.tags)).all()
        chunks = session.scalars(select(TagChunk)).all()
    assert len(stages) == ITEMS and {s for _i, s in stages} == {ALL_STAGES}
    assert {i for i, _t, _g in tags} == {i for i, _s in stages}, "an item was never tagged"
    twice = [i for i, times, _g in tags if times != 1]
    assert twice == [], f"tagged more than once: {twice}"
    assert all(g is None for _i, _t, g in tags), "tags left unconsumed"
    assert all(c.done_at is not None for c in chunks)
    again = [c for c in chunks if c.id in killed]
    assert again and all(
        c.attempts >= 2 and f":{victim.pid}:" not in (c.worker or "") for c in again
    )
    finishers = {(c.worker or "").split(":")[1] for c in chunks}
    assert str(other.pid) in finishers  # the surviving worker did its share
    if workers.isolated:  # each worker was its own host
        hosts = {(c.worker or "").split(":")[0] for c in chunks}
        assert "tagger-b" in hosts and "tagger-a" not in hosts, hosts


def test_the_scheduled_run_shares_its_tagging_through_the_queue(
    db: Database, tmp_path: Path
) -> None:
    """With ``analysis_shared`` the scheduled run hands its chunks to the queue's
    ``tag_items`` task (here run at once, as a worker would) and folds what comes
    back — on both backends."""
    from huey import MemoryHuey

    seed(db)
    settings = load_settings(
        data_dir=tmp_path, secret_key="q" * 32, analysis_shared=True, analysis_chunk_items=50
    )
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    assert jobs.analyse_now() == ITEMS
    with db.reading() as session:
        assert set(session.scalars(select(Item.analysed_stages))) == {ALL_STAGES}
        assert set(session.scalars(select(ItemTags.times))) == {1}
        chunks = session.scalars(select(TagChunk)).all()
    assert len(chunks) == -(-ITEMS // 50) and all(c.done_at for c in chunks)
    assert jobs.analyse_now() == 0  # nothing pending: nothing handed out
