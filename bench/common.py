"""Helpers the benchmarks share: percentiles, a demo database of N items, peak RSS."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import Scenario, build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade

console = Console()


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of the samples."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"p50 {percentile(ms, 50):7.2f} ms  p95 {percentile(ms, 95):7.2f} ms  "
        f"max {max(ms):7.2f} ms  mean {statistics.fmean(ms):6.2f} ms  (n={len(ms)})"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_child_rss_mb() -> float:
    """Peak resident memory of the largest finished child process (MB), e.g. a tagging worker."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def build_demo_db(
    path: Path, items: int, seed: int = 7, days: int = 7
) -> tuple[Database, Scenario, float]:
    """A fresh SQLite database loaded with a generated week; returns it and items/s."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    scenario = build_scenario(seed=seed, items=items, days=days)
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("load", total=items)
        load_scenario(
            db,
            scenario,
            secret="bench-secret-" * 4,
            password="bench-password",
            on_items=lambda n: bar.advance(task, n),
        )
    elapsed = time.perf_counter() - started
    return db, scenario, items / elapsed
