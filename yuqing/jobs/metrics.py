"""Prometheus metrics: what this process counts, and what the database says.

Counters and histograms count inside one process (a worker's polls and analysed
items, a web process's requests). The figures that matter whichever process is
scraped — items stored and analysed, the analysis lag, failing sources, alert
deliveries — are read from the database at scrape time (at most every
``DB_FIGURES_TTL`` seconds), so every web process reports the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from yuqing.analyse.pipeline import pending_items
from yuqing.collect.health import FAILING_AFTER
from yuqing.store.db import Database
from yuqing.store.models import Delivery, Item, Source
from yuqing.store.types import utcnow

REGISTRY = CollectorRegistry(auto_describe=True)
DB_FIGURES_TTL = 15.0

INGESTED = Counter(
    "yuqing_items_ingested", "Items stored by polls in this process.", registry=REGISTRY
)
ANALYSED = Counter(
    "yuqing_items_analysed", "Items analysed by runs in this process.", registry=REGISTRY
)
POLLS = Counter("yuqing_polls", "Polls in this process, by outcome.", ["status"], registry=REGISTRY)
TASKS = Counter(
    "yuqing_tasks",
    "Scheduled tasks run, by task and outcome.",
    ["task", "outcome"],
    registry=REGISTRY,
)
TASK_SECONDS = Histogram(
    "yuqing_task_seconds",
    "How long scheduled tasks take.",
    ["task"],
    registry=REGISTRY,
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)
REQUEST_SECONDS = Histogram(
    "yuqing_http_request_seconds",
    "Web request latency by route.",
    ["method", "route", "status"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 15, 60),
)


@dataclass(frozen=True)
class Figures:
    items: int
    pending: int
    lag_seconds: float  # age of the oldest item not yet analysed (by collection time)
    failing_sources: int
    deliveries: dict[str, int]


def read_figures(db: Database) -> Figures:
    """The database's current operational figures (a few indexed queries)."""
    with db.reading() as session:
        items = session.scalar(select(func.count()).select_from(Item)) or 0
        pending, oldest = session.execute(
            select(func.count(), func.min(Item.collected_at)).where(pending_items())
        ).one()
        failing = session.scalar(
            select(func.count())
            .select_from(Source)
            .where(Source.enabled, Source.consecutive_failures >= FAILING_AFTER)
        )
        deliveries = dict(
            session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
        )
    lag = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
    return Figures(int(items), int(pending or 0), max(lag, 0.0), int(failing or 0), deliveries)


class DatabaseFigures(Collector):
    """Gauges from ``read_figures``, cached for ``DB_FIGURES_TTL`` seconds."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._cached: tuple[float, Figures] | None = None

    def figures(self) -> Figures:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > DB_FIGURES_TTL:
                self._cached = (time.monotonic(), read_figures(self._db))
            return self._cached[1]

    def collect(self) -> Iterator[Metric]:
        f = self.figures()
        yield GaugeMetricFamily("yuqing_items_stored", "Items in the database.", value=f.items)
        yield GaugeMetricFamily(
            "yuqing_items_pending_analysis", "Items no analysis run has done yet.", value=f.pending
        )
        yield GaugeMetricFamily(
            "yuqing_items_analysed_stored",
            "Items analysed, in the database.",
            value=f.items - f.pending,
        )
        yield GaugeMetricFamily(
            "yuqing_analysis_lag_seconds",
            "Age of the oldest collected item not yet analysed (0: none waiting).",
            value=f.lag_seconds,
        )
        yield GaugeMetricFamily(
            "yuqing_sources_failing",
            "Enabled sources failing their polls.",
            value=f.failing_sources,
        )
        deliveries = GaugeMetricFamily(
            "yuqing_alert_deliveries", "Alert deliveries by status.", labels=["status"]
        )
        for status, count in sorted(f.deliveries.items()):
            deliveries.add_metric([status], count)
        yield deliveries


class ProcessMetrics(Collector):
    """This process's counters and histograms, seen through another registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def registry_for(db: Database, figures: DatabaseFigures | None = None) -> CollectorRegistry:
    """This process's metrics plus the database's figures, for one scrape endpoint."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(ProcessMetrics())
    registry.register(figures or DatabaseFigures(db))
    return registry
