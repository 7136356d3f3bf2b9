"""Analysis shared across workers on PostgreSQL: the fold alone, then 1 and 2
`yuqing worker` processes tagging beside it.

Imports the first N real Weibo replies (``news/weibo_replies_202002.jsonl.gz`` from
``../shared/data``; the demo week when it is absent) into a schema of its own,
seeds the desk's rules and fact-check library, then for each shape: resets every
item to unanalysed, warms the workers up on a first stretch (their contexts are
built once per process, not per run), resets again and times one scheduled
analysis run (``Jobs.analyse_now``) over all N. Prints items/s and CPU-seconds per
item — the fold's process plus every worker's, read from /proc — and the CPU
efficiency of 2 workers against 1 (CPU per item with 1 ÷ with 2; target ≥ 0.9:
adding a worker must not make each item cost more). Redis's and PostgreSQL's own
CPU is not counted in either.

    .venv/bin/python -m bench.analysis_workers --items 25000 [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from huey import RedisHuey
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from bench.analyse_real import DEFAULT_DATA, STREAM, run_import, unpack
from bench.common import console
from yuqing.config import load_settings
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import build_scenario
from yuqing.jobs.queue import Jobs
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Item

ROOT = Path(__file__).resolve().parent.parent
CLEARED = ("item_places", "item_topics", "rule_hits", "claim_matches", "item_tags", "tag_chunks")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Shape:
    workers: int
    items: int
    seconds: float
    cpu: float  # CPU-seconds, fold and workers together
    fold_cpu: float  # of which the fold's process

    @property
    def per_item_ms(self) -> float:
        return 1000 * self.cpu / self.items


def process_cpu(pid: int) -> float:
    """User + system CPU-seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def schema_db(url: str) -> tuple[Database, str]:
    schema = "yuqing_bench_" + uuid.uuid4().hex[:8]
    admin = Database(url)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    scoped = make_url(Database(url).url).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database(scoped.render_as_string(hide_password=False))
    upgrade(db)
    return db, schema


def load(db: Database, items: int, data: Path) -> int:
    source = data / STREAM
    if source.exists():
        with tempfile.TemporaryDirectory() as folder:
            stored, _ = run_import(db, unpack(source, Path(folder), items))
        day = None
    else:
        console.print(f"{source} is absent: the demo week instead")
        scenario = build_scenario(seed=7, items=items)
        load_scenario(db, scenario, secret="b" * 32, password="bench-password")
        stored, day = items, scenario.start.date()
    with db.transaction() as session:
        seed_desk(session, day or date(2020, 2, 1))  # the stream's month
    return stored


def reset(db: Database, keep_pending: int | None = None) -> None:
    """Every item unanalysed (or only the first ``keep_pending``), no results stored."""
    with db.transaction() as session:
        session.execute(
            update(Item).values(
                analysed_stages=0, event_id=None, duplicate_of_id=None, copy_count=0
            )
        )
        for table in CLEARED:
            session.execute(text(f"DELETE FROM {table}"))
        session.execute(text("DELETE FROM events"))
        if keep_pending is not None:
            first = text(
                "UPDATE items SET analysed_stages = 63 WHERE id NOT IN "
                "(SELECT id FROM items ORDER BY published_at, id LIMIT :n)"
            )
            session.execute(first, {"n": keep_pending})


def start_workers(n: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    """The workers, logging to ``logs`` (their lines would bury the figures)."""
    command = [sys.executable, "-c", "from yuqing.cli.main import main; main()", "worker"]
    with (logs / "workers.log").open("ab") as log:
        return [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log) for _ in range(n)
        ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGINT)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def run_shape(
    db: Database, redis_url: str, data_dir: Path, workers: int, items: int, chunk: int
) -> Shape:
    settings = load_settings(
        data_dir=data_dir,
        secret_key="b" * 32,
        redis_url=redis_url,
        analysis_shared=workers > 0,
        analysis_chunk_items=chunk,
    )
    jobs = Jobs(settings, db, huey=RedisHuey("yuqing", url=redis_url))
    jobs.huey.flush()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "YUQING_CONFIG": str(data_dir / "none.toml"),
        "YUQING_DATA_DIR": str(data_dir),
        "YUQING_SECRET_KEY": "b" * 32,
        "YUQING_DATABASE_URL": db.url,
        "YUQING_REDIS_URL": redis_url,
        "YUQING_ANALYSIS_SHARED": "true",
        "YUQING_WORKERS": "1",  # one thread: a process tags one chunk at a time anyway
    }
    procs = start_workers(workers, env, data_dir)
    try:
        reset(db, keep_pending=max(2 * chunk * max(workers, 1), 1000))
        jobs.analyse_now()  # warm-up: contexts built in every process
        reset(db)
        fold_before, before = own_cpu(), sum(process_cpu(p.pid) for p in procs)
        started = time.perf_counter()
        done = jobs.analyse_now()
        seconds = time.perf_counter() - started
        fold_cpu = own_cpu() - fold_before
        cpu = fold_cpu + sum(process_cpu(p.pid) for p in procs) - before
    finally:
        stop(procs)
    assert done == items, f"analysed {done} of {items}"
    return Shape(workers, done, seconds, cpu, fold_cpu)


def redis_server(port: int) -> subprocess.Popen[bytes]:
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*args, "--appendonly", "no"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=25_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--chunk", type=int, default=500, help="items per tagging chunk")
    parser.add_argument("--redis-port", type=int, default=6391)
    args = parser.parse_args()
    db, schema = schema_db(args.url)
    redis = redis_server(args.redis_port)
    shapes: list[Shape] = []
    try:
        items = load(db, args.items, args.data)
        console.print(f"{items:,} items in schema {schema}")
        with tempfile.TemporaryDirectory() as data_dir:
            for workers in (0, 1, 2):
                shape = run_shape(
                    db,
                    f"redis://127.0.0.1:{args.redis_port}/0",
                    Path(data_dir),
                    workers,
                    items,
                    args.chunk,
                )
                shapes.append(shape)
                name = "fold alone (not shared)" if workers == 0 else f"{workers} tagging worker(s)"
                console.print(
                    f"{name:>26}: {shape.items / shape.seconds:7,.0f} items/s, "
                    f"{shape.per_item_ms:6.3f} CPU-ms per item, of which the fold "
                    f"{1000 * shape.fold_cpu / shape.items:5.3f} ({shape.cpu:,.1f} CPU-s in "
                    f"{shape.seconds:,.1f} s)"
                )
    finally:
        redis.terminate()
        db.dispose()
        admin = Database(args.url)
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    one, two = shapes[1], shapes[2]
    efficiency = one.per_item_ms / two.per_item_ms
    verdict = "[green]meets[/green]" if efficiency >= 0.9 else "[red]misses[/red]"
    console.print(
        f"CPU efficiency, 2 workers against 1: {efficiency:.2f} ({verdict} ≥ 0.9); "
        f"wall speed-up {two.items / two.seconds / (one.items / one.seconds):.2f}×"
    )


if __name__ == "__main__":
    main()
