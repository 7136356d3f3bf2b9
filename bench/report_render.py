"""Time to draft and render a daily report over a day of 100 000 items (target < 2 s).

    python -m bench.report_render [--items 100000]

The items are written straight into a temporary SQLite database with their analysis
results (topics, sentiment, places, events, claim matches), so that the draft's
aggregate queries see a realistic day; then the draft is assembled and rendered as
DOCX, PDF, HTML and Markdown, and each step's time is printed.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bench.common import console
from yuqing.analyse.topics import DEFAULT_TOPICS
from yuqing.reports import workflow as wf
from yuqing.reports.charts import forget_drawn
from yuqing.reports.render import load_document, render
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Claim, ClaimMatch, Event, Item, ItemPlace, Source

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 17)
PLACES = [("150202", "东河区"), ("150203", "昆都仑区"), ("150204", "青山区"), ("150205", "石拐区")]
SENTIMENTS = ["negative", "neutral", "positive", None]
BATCH = 5000


def fill(db: Database, items: int, rng: random.Random) -> None:
    window = daily_window(DAY, TZ)
    seconds = int((window.end - window.start).total_seconds())
    topics = [*DEFAULT_TOPICS, None]
    with db.transaction() as session:
        sources = [Source(name=f"来源{i}", kind="rss", is_public_outlet=i < 3) for i in range(12)]
        events = [
            Event(
                title=f"事件{i}",
                first_seen=window.start,
                last_seen=window.end,
                heat=rng.random() * 100,
            )
            for i in range(60)
        ]
        claim = Claim(text="某谣言", text_norm="某谣言", verdict="false")
        session.add_all([*sources, *events, claim])
        session.flush()
        source_ids, event_ids, claim_id = [s.id for s in sources], [e.id for e in events], claim.id
    for first in range(0, items, BATCH):
        rows, places, matches = [], [], []
        for n in range(first, min(first + BATCH, items)):
            at = window.start + timedelta(seconds=rng.randrange(seconds))
            rows.append(
                {
                    "id": n + 1,
                    "ingest_key": f"bench-{n}",
                    "content_hash": f"{n:064x}",
                    "title": f"标题{n}",
                    "text_original": f"第{n}条信息，核酸检测和物价",
                    "text_norm": f"第{n}条信息，核酸检测和物价",
                    "published_at": at,
                    "collected_at": at,
                    "source_id": rng.choice(source_ids),
                    "topic": rng.choice(topics),
                    "sentiment": rng.choice(SENTIMENTS),
                    "is_local": rng.random() < 0.4,
                    "heat": rng.random() * 50,
                    "event_id": rng.choice(event_ids) if rng.random() < 0.3 else None,
                    "meta": {},
                    "pii": {},
                }
            )
            if rng.random() < 0.4:
                code, name = rng.choice(PLACES)
                places.append({"item_id": n + 1, "code": code, "name": name, "level": "district"})
            if rng.random() < 0.01:
                matches.append(
                    {
                        "item_id": n + 1,
                        "claim_id": claim_id,
                        "score": 0.9,
                        "rank": 1,
                        "status": "confirmed",
                    }
                )
        with db.transaction() as session:
            session.execute(insert(Item), rows)
            if places:
                session.execute(insert(ItemPlace), places)
            if matches:
                session.execute(insert(ClaimMatch), matches)


FORMATS = ("docx", "pdf", "html", "md")
TARGET_MS = 2000


@dataclass
class Run:
    """One report drafted and rendered: wall and CPU seconds per step."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    items: int = 0

    def step(self, label: str, wall: float, cpu: float) -> None:
        self.wall[label], self.cpu[label] = wall, cpu


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def draft_and_render(db: Database, day: date) -> Run:
    run = Run()
    forget_drawn()  # a new report's charts are new: draw them again
    now = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=2)
    wall, cpu = clocks()
    with db.transaction() as session:
        ensure_default_series(session, "基准测试舆情专班")
        report = wf.create_draft(
            session, get_series(session, "daily"), daily_window(day, TZ), wf.SYSTEM, now
        )
        report_id = report.id
    with db.reading() as session:
        doc = load_document(session, report_id, TZ, "基准测试舆情专班")
    run.items = int(doc.figures["items"]["value"])
    for label in ("draft (assemble + store)", *(f"render {fmt}" for fmt in FORMATS)):
        if label.startswith("render"):
            run.sizes[label[7:]] = len(render(doc, label[7:]).data)
        then_wall, then_cpu = clocks()
        run.step(label, then_wall - wall, then_cpu - cpu)
        wall, cpu = then_wall, then_cpu
    return run


def report(title: str, run: Run) -> None:
    console.print(f"[bold]{title}[/bold]  ({run.items} items counted)")
    console.print(f"  {'step':<26} {'wall ms':>9} {'cpu ms':>9}")
    for label, seconds in run.wall.items():
        console.print(f"  {label:<26} {seconds * 1000:9.1f} {run.cpu[label] * 1000:9.1f}")
    wall, cpu = sum(run.wall.values()) * 1000, sum(run.cpu.values()) * 1000
    verdict = "meets" if wall < TARGET_MS else "misses"
    console.print(
        f"  {'draft + render, total':<26} {wall:9.1f} {cpu:9.1f}"
        f"  ({verdict} the target < {TARGET_MS} ms wall)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yuqing-bench-report-") as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(db)
        started = time.perf_counter()
        fill(db, args.items, random.Random(7))
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        console.print(
            f"{args.items} items of one day written in {time.perf_counter() - started:.1f} s"
        )
        # The first report of a process also loads fonts, chart and PDF machinery once;
        # the second is what a running server pays for each report.
        report("first report in a fresh process", draft_and_render(db, DAY))
        report("next report (warm process)", draft_and_render(db, DAY))
        console.print(
            f"sizes: {draft_and_render(db, DAY).sizes}; cpu ms is this process's own time, "
            "wall ms includes waiting for a shared CPU"
        )
        db.dispose()


if __name__ == "__main__":
    main()
