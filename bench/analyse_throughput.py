"""Analysis throughput: the whole pipeline over generated items in SQLite.

Loads N items of the demo week (direct load; collection is measured elsewhere),
seeds the fact-check library and watch rules, then times one analysis run over
every item — duplicates, places, topics, sentiment, rules, claims, events, heat —
and prints items/s with peak RSS. Target: ≥ 1,200 items/s on 2 cores, peak RSS
under 1.5 GB through 1 M items.

    .venv/bin/python -m bench.analyse_throughput --items 1000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.common import build_demo_db, console, peak_child_rss_mb, peak_rss_mb
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.live import DEMO_CITY_CODE
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import WatchRule


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/analyse.db"))
    parser.add_argument(
        "--workers", type=int, default=2, help="processes (2: tagging runs beside the rest)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="analyse an existing --db (upgraded first)"
    )
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        db, scenario = Database(f"sqlite:///{args.db}"), build_scenario(seed=7, items=args.items)
        upgrade(db)
    else:
        db, scenario, rate = build_demo_db(args.db, args.items)
        console.print(
            f"loaded {args.items:,} items at {rate:,.0f} items/s; RSS so far {peak_rss_mb():,.0f} MB"
        )
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(WatchRule)) == 0:  # a reused db has them
            seed_desk(session, scenario.start.date())
    started = time.perf_counter()
    with db.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY_CODE])
    done = 0
    last_report = started

    def progress(n: int) -> None:
        nonlocal done, last_report
        done += n
        now = time.perf_counter()
        if now - last_report > 30:
            console.print(
                f"  {done:,} analysed, {done / (now - started):,.0f} items/s, RSS {peak_rss_mb():,.0f} MB"
            )
            last_report = now

    summary = analyse(db, context, workers=args.workers, on_batch=progress)
    elapsed = time.perf_counter() - started
    console.print(
        f"analysed {summary.items:,} items in {elapsed:,.0f} s → [bold]{summary.items / elapsed:,.0f} items/s[/bold]; "
        f"{summary.copies:,} copies, {summary.local:,} local, {summary.rule_hits:,} rule hits, "
        f"{summary.claim_candidates:,} claim candidates"
    )
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB; tagging worker {peak_child_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
