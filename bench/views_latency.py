"""Latency of the spread, map, key-term and question views on a large analysed database.

Uses the database the analysis benchmark leaves (``bench/out/analyse.db``; build it with
``python -m bench.analyse_throughput --items 1000000``), or loads and analyses N items
itself when the file is missing; with ``--real N`` it builds (when missing) a desk of the
first N real Weibo replies of Feb 2020 (``news/weibo_replies_202002.jsonl.gz`` in
``../shared/data``, imported and analysed as ``bench.analyse_real`` does, the analyst
account added). Then, through the real web app as the demo analyst,
times each view several times: the event views (spread, map, key terms) of the largest
events and of random ones, the period views of the newest week, the questions page and
the spread API; prints p50/p95 per page. Target: every page under 500 ms at 1 M items.

    .venv/bin/python -m bench.views_latency --db bench/out/analyse.db
    .venv/bin/python -m bench.views_latency --db bench/out/real100k.db --real 100000
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bench.analyse_real import DEFAULT_DATA, STREAM, fresh_db, run_import, unpack
from bench.common import build_demo_db, console, peak_rss_mb, summary_ms
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.analyse.term_background import refresh_background
from yuqing.config import load_settings
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.live import DEMO_CITY_CODE
from yuqing.desk.event_views import forget_background
from yuqing.network.people import Grant, add_user
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Event, Item, Role
from yuqing.store.types import utcnow
from yuqing.web.app import create_app

PASSWORD = "bench-password"  # what build_demo_db gives the demo accounts
SECRET = "bench-secret-" * 4


def prepare(path: Path, items: int) -> Database:
    if path.exists():
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        return db
    db, scenario, rate = build_demo_db(path, items)
    console.print(f"loaded {items:,} items at {rate:,.0f} items/s")
    with db.transaction() as session:
        seed_desk(session, scenario.start.date())
    with db.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY_CODE])
    started = time.perf_counter()
    summary = analyse(db, context)
    console.print(f"analysed {summary.items:,} items in {time.perf_counter() - started:,.0f} s")
    return db


def prepare_real(path: Path, items: int) -> Database:
    """A desk of the first ``items`` real replies, analysed, with the analyst account."""
    if path.exists():
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        return db
    db = fresh_db(path)
    with tempfile.TemporaryDirectory(prefix="yuqing-views-") as folder:
        run_import(db, unpack(DEFAULT_DATA / STREAM, Path(folder), items))
    with db.reading() as session:
        context = build_context(session)
    started = time.perf_counter()
    summary = analyse(db, context)
    console.print(f"analysed {summary.items:,} items in {time.perf_counter() - started:,.0f} s")
    with db.transaction() as session:
        add_user(session, "analyst", PASSWORD, grants=[Grant(Role.ANALYST)])
    return db


def timed(client: TestClient, url: str, rounds: int, headers: dict[str, str]) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.text[:200]}")
    return samples


def first_and_cached(samples: list[float]) -> str:
    """The first request (computes the view) apart from the later ones (kept views)."""
    first = f"first {samples[0] * 1000:7.1f} ms"
    return f"{first}; cached {summary_ms(samples[1:])}" if len(samples) > 1 else first


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, default=Path("bench/out/analyse.db"))
    parser.add_argument("--items", type=int, default=1_000_000, help="when --db must be built")
    parser.add_argument("--real", type=int, default=0, help="build --db of N real replies")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("bench/out/views"))
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    db = prepare_real(args.db, args.real) if args.real else prepare(args.db, args.items)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(Item)) or 0
        largest = session.execute(
            select(Event.id, Event.item_count).order_by(Event.item_count.desc()).limit(3)
        ).all()
        events = session.scalars(select(Event.id)).all()
    console.print(f"{total:,} items, {len(events):,} events; largest {[n for _, n in largest]}")
    started = time.perf_counter()
    counted = refresh_background(db, utcnow(), max_age=0)  # what the schedule does after a fold
    console.print(
        f"key-term background counted ahead: {time.perf_counter() - started:.2f} s"
        if counted
        else "key-term background already counted for the newest item"
    )
    settings = load_settings(data_dir=args.data_dir, secret_key=SECRET, city_name="青岚市")
    app = create_app(settings, db)
    rng = random.Random(3)
    picks = [("largest", e) for e, _ in largest] + [("random", e) for e in rng.sample(events, 3)]
    with TestClient(app, base_url="https://bench", follow_redirects=False) as client:
        login = client.post("/login", data={"username": "analyst", "password": PASSWORD})
        if login.status_code != 303:
            raise SystemExit("the demo analyst could not log in")
        forget_background()
        started, cpu = time.perf_counter(), time.process_time()
        client.get("/overview/views")
        # CPU seconds beside the wall clock: on a shared machine the wall says as much
        # about the neighbours as about the page.
        console.print(
            f"first period view (reads the stored background): "
            f"{time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} CPU-s; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        hx = {"HX-Request": "true"}
        for kind, event in picks:
            samples = timed(client, f"/events/{event}/views", args.rounds, hx)
            console.print(f"event views ({kind} #{event}): {first_and_cached(samples)}")
        spread_url = f"/api/events/{largest[0][0]}/spread"
        for label, url in (
            ("spread API", spread_url),
            ("period views", "/overview/views"),
            ("questions", "/questions"),
        ):
            console.print(f"{label}: {first_and_cached(timed(client, url, args.rounds, {}))}")
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
