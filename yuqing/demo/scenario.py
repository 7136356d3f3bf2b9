"""The demo scenario: a fictional city's epidemic week, built deterministically from a seed.

``build_scenario`` returns the small, fixed parts (units, officers, sources,
field reports, tallies) as lists; the potentially huge item stream is produced
lazily by ``Scenario.items()`` so a million items never sit in memory at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from yuqing.demo import places, reports
from yuqing.demo.accounts import SOURCES
from yuqing.demo.generator import ItemFactory
from yuqing.demo.models import (
    DemoFieldReport,
    DemoItem,
    DemoOfficer,
    DemoSource,
    DemoTally,
    DemoTallyMetric,
    DemoUnit,
)
from yuqing.demo.timeline import LOCAL_TZ

__all__ = [
    "DemoFieldReport",
    "DemoItem",
    "DemoOfficer",
    "DemoSource",
    "DemoTally",
    "DemoTallyMetric",
    "DemoUnit",
    "Scenario",
    "build_scenario",
    "default_start",
    "iter_items",
]


@dataclass(frozen=True)
class Scenario:
    """Everything the demo needs; items are streamed on demand."""

    seed: int
    city: str
    start: datetime
    days: int
    item_count: int
    units: list[DemoUnit]
    officers: list[DemoOfficer]
    sources: list[DemoSource]
    field_reports: list[DemoFieldReport]
    tally_metrics: list[DemoTallyMetric]
    tallies: list[DemoTally]

    def items(self) -> Iterator[DemoItem]:
        """Stream the items in publication order; every call yields the same sequence."""
        return iter_items(self)


def default_start() -> datetime:
    """2026-11-16 00:00 in Asia/Shanghai, expressed in UTC."""
    return datetime(2026, 11, 16, tzinfo=LOCAL_TZ).astimezone(UTC)


def iter_items(scenario: Scenario) -> Iterator[DemoItem]:
    """A fresh stream of the scenario's items."""
    factory = ItemFactory(scenario.seed, scenario.item_count, scenario.days, scenario.start)
    return factory.items()


def build_scenario(
    seed: int = 2026,
    items: int = 5000,
    days: int = 7,
    start: datetime | None = None,
) -> Scenario:
    """Build the scenario for ``seed``: ``items`` items over ``days`` days from ``start``."""
    if items < 0:
        raise ValueError("items must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    if start is None:
        start = default_start()
    elif start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    start = start.astimezone(UTC)
    # Reports follow the same epidemic curve as the items, so reuse the items' day facts.
    facts = ItemFactory(seed, 0, days, start).facts
    # A separate generator keeps the item stream independent of report generation.
    report_rng = random.Random(f"yuqing-demo:{seed}:reports")
    field_reports = reports.build_field_reports(report_rng, start, days, facts)
    return Scenario(
        seed=seed,
        city=places.CITY_NAME,
        start=start,
        days=days,
        item_count=items,
        units=[DemoUnit(*spec) for spec in places.UNIT_SPECS],
        officers=reports.officers(),
        sources=list(SOURCES),
        field_reports=field_reports,
        tally_metrics=reports.tally_metrics(),
        tallies=reports.build_tallies(report_rng, start, days, field_reports),
    )
