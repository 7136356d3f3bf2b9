"""Search latency on a large SQLite database.

Loads N generated items (default 1,000,000: a week of a busy desk) into a fresh
SQLite file, then times searches of 1, 2 and 4 characters, in both scripts, each
restricted to one day, newest first (the item list's default), and prints the
load rate and p50/p95 latencies. Target: p95 < 50 ms for every query length.

    .venv/bin/python -m bench.search_latency --items 1000000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from pathlib import Path

from bench.common import build_demo_db, console, peak_rss_mb, summary_ms
from yuqing.store.search import ItemQuery, count_items, search_item_ids
from yuqing.text import matching_form

QUERIES = {
    1: ["疫", "口", "药", "菜", "堵", "謠"],
    2: ["口罩", "核酸", "排队", "物價", "卡口", "隔離"],
    4: ["核酸检测", "昆都侖區", "医护人员", "隔离管控", "退烧药品", "封城消息"],
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/search.db"))
    parser.add_argument("--rounds", type=int, default=30, help="timed searches per query")
    parser.add_argument("--reuse", action="store_true", help="time an existing --db, do not load")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)

    if args.reuse:
        from yuqing.demo.scenario import build_scenario
        from yuqing.store.db import Database

        db, scenario, rate = Database(f"sqlite:///{args.db}"), build_scenario(items=args.items), 0.0
    else:
        db, scenario, rate = build_demo_db(args.db, args.items)
        console.print(
            f"loaded {args.items:,} items at [bold]{rate:,.0f} items/s[/bold]; "
            f"database {args.db.stat().st_size / 2**20:,.0f} MiB (+WAL)"
        )

    rng = random.Random(1)
    days = [scenario.start + timedelta(days=d) for d in range(scenario.days)]
    with db.reading() as session:
        for length, words in QUERIES.items():
            page_times: list[float] = []
            count_times: list[float] = []
            hits = 0
            for _ in range(args.rounds):
                for word in words:
                    day = rng.choice(days) + timedelta(hours=rng.randrange(24))
                    query = ItemQuery(
                        text=matching_form(word), since=day, until=day + timedelta(days=1)
                    )
                    started = time.perf_counter()
                    ids = search_item_ids(session, query)
                    page_times.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    hits += count_items(session, query)
                    count_times.append(time.perf_counter() - started)
                    assert len(ids) <= query.limit
            console.print(f"{length}-character queries, one-day window, first page of 50:")
            console.print(f"    page   {summary_ms(page_times)}")
            mean_hits = hits / len(count_times)
            console.print(f"    count  {summary_ms(count_times)}   mean matches {mean_hits:,.0f}")
        relevance: list[float] = []
        for word in QUERIES[2]:
            day = days[len(days) // 2]
            query = ItemQuery(
                text=matching_form(word), since=day, until=day + timedelta(days=1), sort="relevance"
            )
            started = time.perf_counter()
            search_item_ids(session, query)
            relevance.append(time.perf_counter() - started)
        console.print(f"2-character, one day, by relevance:  {summary_ms(relevance)}")
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
