"""File-import throughput: a generated N-line Weibo-style JSONL export into SQLite.

Writes the export from the demo scenario (posts in both scripts, reposts, copies),
imports it through the same path as `yuqing import` (parse → normalise → pseudonymise
→ store → index), and prints lines/s for parsing alone and items/s end to end, with
peak RSS. Target: ≥ 5,000 items/s into SQLite.

    .venv/bin/python -m bench.import_throughput --lines 1000000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import console, peak_rss_mb
from yuqing.collect.files import read_records
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.presets import PRESETS
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade

TZ = ZoneInfo("Asia/Shanghai")


def write_export(path: Path, lines: int) -> None:
    scenario = build_scenario(seed=5, items=lines)
    with path.open("w", encoding="utf-8") as out:
        for item in scenario.items():
            row = {
                "微博id": f"b{item.index}",
                "用户昵称": item.author or "匿名",
                "微博正文": (item.title + "\n" if item.title else "") + item.body,
                "发布时间": item.published_at.isoformat(),
                "转发数": item.reposts,
                "评论数": item.comments,
                "点赞数": item.likes,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    export = args.out / f"export-{args.lines}.jsonl"
    if not export.exists():
        started = time.perf_counter()
        write_export(export, args.lines)
        console.print(
            f"wrote {export} ({export.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - started:.0f} s"
        )

    started = time.perf_counter()
    parsed = sum(1 for _ in read_records(export, PRESETS["weibo"], tz=TZ))
    parse_rate = parsed / (time.perf_counter() - started)
    console.print(f"parse only: {parsed:,} lines at [bold]{parse_rate:,.0f} lines/s[/bold]")

    db_path = args.out / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{db_path}")
    upgrade(db)
    source = SourceInfo(None, "file", False, None, name="bench export")
    started = time.perf_counter()
    summary = ingest(db, source, read_records(export, PRESETS["weibo"], tz=TZ), secret="b" * 32)
    elapsed = time.perf_counter() - started
    console.print(
        f"import: read {summary.read:,}, stored {summary.stored:,}, duplicates {summary.duplicates:,}, "
        f"quarantined {summary.quarantined:,} in {elapsed:,.0f} s → [bold]{summary.read / elapsed:,.0f} items/s[/bold]"
    )
    started = time.perf_counter()
    again = ingest(db, source, read_records(export, PRESETS["weibo"], tz=TZ), secret="b" * 32)
    elapsed = time.perf_counter() - started
    console.print(
        f"re-import (all duplicates): stored {again.stored:,} at {again.read / elapsed:,.0f} items/s"
    )
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
