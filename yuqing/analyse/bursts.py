"""Spikes: a watch rule, topic, place or event suddenly much busier than usual.

The last hour is compared with the twelve before it: a burst is at least
``MIN_COUNT`` items in the hour and at least ``FACTOR`` times the hourly mean of the
baseline (plus one, so a quiet baseline does not make every trickle a spike). Each
burst raises one alert per key and hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from yuqing.store.alerts import raise_alert
from yuqing.store.models import Event, Item, ItemPlace, RuleHit, WatchRule

WINDOW = timedelta(hours=1)
BASELINE = timedelta(hours=12)
MIN_COUNT = 5
FACTOR = 3.0
DIMENSION_LABELS = {"rule": "监测规则", "topic": "话题", "place": "地区", "event": "事件"}


@dataclass(frozen=True)
class Burst:
    dimension: str  # rule, topic, place, event
    key: str
    label: str
    count: int
    baseline_per_hour: float


def is_burst(count: int, baseline_count: int, baseline_hours: float) -> bool:
    mean = baseline_count / baseline_hours
    return count >= MIN_COUNT and count >= FACTOR * (mean + 1)


def find_bursts(session: Session, now: datetime) -> list[Burst]:
    """Bursts in the hour before ``now``, across every dimension."""
    start, base = now - WINDOW, now - WINDOW - BASELINE
    hours = BASELINE / timedelta(hours=1)
    found: list[Burst] = []
    for dimension, query in _queries().items():
        current = _counts(session, query, start, now)
        before = _counts(session, query, base, start)
        for key, (label, count) in current.items():
            baseline = before.get(key, ("", 0))[1]
            if is_burst(count, baseline, hours):
                found.append(Burst(dimension, key, label, count, round(baseline / hours, 2)))
    return found


def raise_burst_alerts(session: Session, now: datetime) -> list[Burst]:
    bursts = find_bursts(session, now)
    hour = now.strftime("%Y%m%d%H")
    for burst in bursts:
        raise_alert(
            session,
            kind="spike",
            title=(
                f"{DIMENSION_LABELS[burst.dimension]}“{burst.label}”近一小时 {burst.count} 条，"
                f"此前每小时约 {burst.baseline_per_hour:g} 条"
            ),
            dedupe_key=f"spike:{burst.dimension}:{burst.key}:{hour}",
            detail={
                "dimension": burst.dimension,
                "key": burst.key,
                "count": burst.count,
                "baseline_per_hour": burst.baseline_per_hour,
            },
            severity="major",
        )
    return bursts


def _queries() -> dict[str, Any]:
    """(key, label, count) per dimension, to be bounded by publication time."""
    count = func.count(func.distinct(Item.id))
    return {
        "rule": select(cast(RuleHit.rule_id, String), WatchRule.name, count)
        .join(Item, Item.id == RuleHit.item_id)
        .join(WatchRule, WatchRule.id == RuleHit.rule_id)
        .group_by(RuleHit.rule_id, WatchRule.name),
        "topic": select(Item.topic, Item.topic, count)
        .where(Item.topic.is_not(None))
        .group_by(Item.topic),
        "place": select(ItemPlace.code, ItemPlace.name, count)
        .join(Item, Item.id == ItemPlace.item_id)
        .group_by(ItemPlace.code, ItemPlace.name),
        "event": select(cast(Item.event_id, String), Event.title, count)
        .join(Event, Event.id == Item.event_id)
        .group_by(Item.event_id, Event.title),
    }


def _counts(
    session: Session, query: Any, start: datetime, end: datetime
) -> dict[str, tuple[str, int]]:
    bounded = query.where(Item.published_at >= start, Item.published_at < end)
    counts: dict[str, tuple[str, int]] = {}
    for row in session.execute(bounded):
        if row[0] is not None:
            counts[str(row[0])] = (str(row[1]), int(row[2]))
    return counts


def replay_bursts(session: Session, start: datetime, end: datetime) -> list[Burst]:
    """Look for bursts at every hour of a past period, as the schedule would have."""
    found: list[Burst] = []
    moment = start.replace(minute=0, second=0, microsecond=0) + WINDOW
    while moment <= end:
        found.extend(raise_burst_alerts(session, moment))
        moment += WINDOW
    return found
