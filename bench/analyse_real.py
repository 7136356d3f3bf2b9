"""Import and analysis of a real stream: 300,000 Weibo comments and reposts of Feb 2020.

Reads ``news/weibo_replies_202002.jsonl.gz`` from ``../shared/data`` (short, diverse
real text: thousands of new events per batch, where the templated demo makes 200 in
all), imports it through the same path as `yuqing import` into a fresh SQLite
database, analyses every item as `yuqing analyse` does, and prints items/s for each
tenth of the stream (a rate that falls as the stream grows is a cost that grows with
it), peak RSS, and the components' ceiling measured on the same texts in the same
run: matching form, MinHash signature, model (or lexicon and seeds) predict, LSH
index insert. The ceiling is what two cores would reach if analysis did nothing
but those four steps, one after another, on every item.

Targets on 2 cores: analysis ≥ 2,000 items/s over the whole stream with no slowdown,
≥ 12 % of the components' 2-core ceiling; import and analysis together ≥ 1,200 items/s.

    .venv/bin/python -m bench.analyse_real [--limit N] [--models DIR] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.common import console, peak_child_rss_mb, peak_rss_mb
from bench.real_ceiling import Ceiling, measure_ceiling
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.collect.files import read_records
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.presets import PRESETS
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Item

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
STREAM = Path("news/weibo_replies_202002.jsonl.gz")
TZ = ZoneInfo("Asia/Shanghai")
SEGMENTS = 10


def _lines(path: Path, limit: int | None) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            yield line


def unpack(source: Path, folder: Path, limit: int | None) -> Path:
    """The first ``limit`` records as a plain JSONL export (what a desk would import),
    in a temporary folder: the data never enters the repository."""
    export = folder / "weibo_replies.jsonl"
    with export.open("w", encoding="utf-8") as out:
        out.writelines(_lines(source, limit))
    return export


def fresh_db(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    return db


def run_import(db: Database, export: Path) -> tuple[int, float]:
    source = SourceInfo(None, "file", False, None, name="weibo replies 2020-02")
    started = time.perf_counter()
    summary = ingest(db, source, read_records(export, PRESETS["weibo"], tz=TZ), secret="r" * 32)
    elapsed = time.perf_counter() - started
    console.print(
        f"import: read {summary.read:,}, stored {summary.stored:,}, duplicates {summary.duplicates:,}, "
        f"quarantined {summary.quarantined:,} in {elapsed:,.1f} s → "
        f"[bold]{summary.read / elapsed:,.0f} items/s[/bold]"
    )
    return summary.stored, elapsed


class GcClock:
    """Seconds the cyclic garbage collector ran, by generation (it scans every live
    object in a full collection, so its cost grows with what a run keeps)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self._began = 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._began

    def close(self) -> None:
        gc.callbacks.remove(self)


class Segments:
    """items/s within each tenth of the stream, as batches complete."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.started = time.perf_counter()
        self.done = 0
        self.mark = (0, self.started, time.process_time())
        self.rates: list[float] = []
        self.cpu_rates: list[float] = []

    def __call__(self, n: int) -> None:
        self.done += n
        now, cpu = time.perf_counter(), time.process_time()
        boundary = (len(self.rates) + 1) * self.total / SEGMENTS
        if self.done >= boundary or self.done >= self.total:
            items, since = self.done - self.mark[0], now - self.mark[1]
            rate = items / max(since, 1e-9)
            # CPU time of this process too: on a shared machine the wall rate says as
            # much about the neighbours as about the analysis.
            cpu_rate = items / max(cpu - self.mark[2], 1e-9)
            self.rates.append(rate)
            self.cpu_rates.append(cpu_rate)
            console.print(
                f"  {self.done:>8,} analysed ({100 * self.done / self.total:3.0f} %): "
                f"{rate:,.0f} items/s in this stretch ({cpu_rate:,.0f} items/CPU-s in this process), "
                f"{self.done / (now - self.started):,.0f} overall, RSS {peak_rss_mb():,.0f} MB"
            )
            self.mark = (self.done, now, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_analysis(db: Database, models: Path | None, workers: int, total: int) -> float:
    started = time.perf_counter()
    with db.reading() as session:
        context = build_context(session, models_dir=models)
    segments, clock = Segments(total), GcClock()
    cpu, children = time.process_time(), _children_cpu()
    summary = analyse(db, context, workers=workers, on_batch=segments)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = _children_cpu() - children
    clock.close()
    events = len(context.events.events)
    console.print(
        f"analysed {summary.items:,} items in {elapsed:,.1f} s → [bold]{summary.items / elapsed:,.0f} items/s[/bold]; "
        f"{summary.copies:,} copies, {events:,} events, {summary.rule_hits:,} rule hits, "
        f"{summary.claim_candidates:,} claim candidates"
    )
    console.print(
        f"main process: {cpu:,.1f} CPU-s ({summary.items / max(cpu, 1e-9):,.0f} items/CPU-s), of which "
        f"garbage collection {sum(clock.seconds):,.1f} s (full collections {clock.seconds[2]:,.1f} s); "
        f"tagging worker {children:,.1f} CPU-s"
    )
    if len(segments.rates) >= 2:
        first, last = segments.rates[0], segments.rates[-1]
        cpu_first, cpu_last = segments.cpu_rates[0], segments.cpu_rates[-1]
        console.print(
            f"last tenth against the first: {last / first:.2f}× (per CPU second "
            f"{cpu_last / cpu_first:.2f}×); load average {os.getloadavg()[0]:.1f}"
        )
    return elapsed


def stored_texts(db: Database) -> tuple[list[str], list[str]]:
    with db.reading() as session:
        rows = session.execute(
            select(Item.text_original, Item.text_norm).order_by(Item.published_at, Item.id)
        ).all()
    return [r[0] for r in rows], [r[1] for r in rows]


def report_ceiling(ceiling: Ceiling, analysed_rate: float) -> None:
    for name, rate in ceiling.rates.items():
        console.print(f"  {name:14s} {rate:>10,.0f} items/CPU-s")
    share = analysed_rate / ceiling.two_core
    console.print(
        f"components' ceiling: {ceiling.one_core:,.0f} items/s on one core, {ceiling.two_core:,.0f} on two; "
        f"analysis reached [bold]{100 * share:.1f} %[/bold] of the 2-core ceiling"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N records only")
    parser.add_argument("--db", type=Path, default=Path("bench/out/real.db"))
    parser.add_argument("--models", type=Path, default=None, help="trained models folder")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the analysis here")
    args = parser.parse_args()
    source = args.data / STREAM
    if not source.exists():
        raise SystemExit(f"no data at {source}; pass --data DIR")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    db = fresh_db(args.db)
    with tempfile.TemporaryDirectory(prefix="yuqing-real-") as folder:
        export = unpack(source, Path(folder), args.limit)
        stored, import_s = run_import(db, export)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    analyse_s = run_analysis(db, args.models, args.workers, stored)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    console.print(
        f"import + analysis: {stored:,} items in {import_s + analyse_s:,.1f} s → "
        f"[bold]{stored / (import_s + analyse_s):,.0f} items/s[/bold]"
    )
    console.print(f"peak RSS {peak_rss_mb():,.0f} MB; tagging worker {peak_child_rss_mb():,.0f} MB")
    originals, norms = stored_texts(db)
    with db.reading() as session:
        context = build_context(session, models_dir=args.models)
    report_ceiling(measure_ceiling(context, originals, norms), stored / analyse_s)


if __name__ == "__main__":
    main()
