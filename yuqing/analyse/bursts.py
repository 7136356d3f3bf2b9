"""Spikes: a watch rule, topic, place or event suddenly much busier than usual.

The last hour is compared with the twelve before it: a burst is at least
``MIN_COUNT`` items in the hour and at least ``FACTOR`` times the hourly mean of the
baseline (plus one, so a quiet baseline does not make every trickle a spike). Each
burst raises one alert per key, named by its hours; a burst lasting several hours
stays one alert whose window grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from yuqing.store.alerts import raise_alert
from yuqing.store.models import Alert, Event, Item, ItemPlace, RuleHit, WatchRule

WINDOW = timedelta(hours=1)
BASELINE = timedelta(hours=12)
MIN_COUNT = 5
FACTOR = 3.0
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
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


def raise_burst_alerts(session: Session, now: datetime, tz: ZoneInfo = DEFAULT_TZ) -> list[Burst]:
    """One alert per burst, stamped with its hour; a burst that goes on into the next
    hour extends the alert already raised instead of raising another."""
    bursts = find_bursts(session, now)
    for burst in bursts:
        ongoing = _ongoing(session, burst, now - WINDOW)
        if ongoing is not None:
            _extend(ongoing, burst, now, tz)
            continue
        detail = {
            "dimension": burst.dimension,
            "key": burst.key,
            "label": burst.label,
            "count": burst.count,
            "peak": burst.count,
            "baseline_per_hour": burst.baseline_per_hour,
            "window_start": (now - WINDOW).isoformat(),
            "window_end": now.isoformat(),
        }
        raise_alert(
            session,
            kind="spike",
            title=burst_title(detail, tz),
            dedupe_key=f"spike:{burst.dimension}:{burst.key}:{now.strftime('%Y%m%d%H')}",
            detail=detail,
            severity="major",
            at=now,
        )
    return bursts


def burst_title(detail: dict[str, Any], tz: ZoneInfo) -> str:
    """E.g. 地区“昆都仑区” 11-22 14:00–15:00 共 8 条，比前12小时均值高 3.4 倍."""
    start = datetime.fromisoformat(detail["window_start"]).astimezone(tz)
    end = datetime.fromisoformat(detail["window_end"]).astimezone(tz)
    span = (
        f"{start:%m-%d %H:%M}–{end:%H:%M}"
        if start.date() == end.date()
        else (f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}")
    )
    mean = float(detail["baseline_per_hour"])
    times = detail["peak"] / mean if mean else None
    compared = f"，比前12小时均值高 {times:.1f} 倍" if times else "，此前12小时几乎没有"
    what = f"{DIMENSION_LABELS[detail['dimension']]}“{detail['label']}”"
    return f"{what} {span} 共 {detail['count']} 条{compared}"


def _ongoing(session: Session, burst: Burst, start: datetime) -> Alert | None:
    """The alert of the same burst whose window reaches up to ``start``."""
    prefix = f"spike:{burst.dimension}:{burst.key}:"
    latest = session.scalar(
        select(Alert)
        .where(Alert.kind == "spike", Alert.dedupe_key.startswith(prefix, autoescape=True))
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if latest is None or "window_end" not in (latest.detail or {}):
        return None
    end = datetime.fromisoformat(latest.detail["window_end"])
    return latest if start <= end else None


def _extend(alert: Alert, burst: Burst, now: datetime, tz: ZoneInfo) -> None:
    detail = dict(alert.detail)
    if datetime.fromisoformat(detail["window_end"]) >= now:
        return  # this hour was already counted
    detail["count"] = int(detail["count"]) + burst.count
    detail["peak"] = max(int(detail.get("peak", 0)), burst.count)
    detail["window_end"] = now.isoformat()
    alert.detail = detail
    alert.title = burst_title(detail, tz)


def _queries() -> dict[str, Any]:
    """(key, label, count) per dimension, to be bounded by publication time."""
    count = func.count(func.distinct(Item.id))
    return {
        "rule": select(cast(RuleHit.rule_id, String), WatchRule.name, count)
        .join(Item, Item.id == RuleHit.item_id)
        .join(WatchRule, WatchRule.id == RuleHit.rule_id)
        .where(WatchRule.enabled.is_(True), WatchRule.raises_alert.is_(True))
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


def replay_bursts(
    session: Session, start: datetime, end: datetime, tz: ZoneInfo = DEFAULT_TZ
) -> list[Burst]:
    """Look for bursts at every hour of a past period, as the schedule would have."""
    found: list[Burst] = []
    moment = start.replace(minute=0, second=0, microsecond=0) + WINDOW
    while moment <= end:
        found.extend(raise_burst_alerts(session, moment, tz))
        moment += WINDOW
    return found
