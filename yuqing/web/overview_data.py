"""The desk's figures: small aggregate queries over a period, as plain dataclasses.

Every query takes a ``Session`` and a :class:`Period` (aware datetimes, since
inclusive, until exclusive) and answers with dataclasses that the overview page,
its charts and ``/api/overview`` all read, so a chart and its table never disagree.
Queries group on indexed columns (``items.published_at``, ``items.event_id``,
``item_places`` by item) and return a bounded number of rows: hours are truncated
in SQL, and Python only regroups those aggregated rows into local hours or days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from yuqing.reports.scan import hour_counts as report_hours
from yuqing.store import figures
from yuqing.store.models import (
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    Unit,
    WatchRule,
)
from yuqing.web.periods import Period

TOP = 10
SENTIMENT_LABELS = {"negative": "负面", "neutral": "中性", "positive": "正面"}
UNANALYSED = "unanalysed"
UNANALYSED_LABEL = "未分析"
TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
TREND_LABELS = {"up": "上升", "down": "回落", "flat": "平稳"}


def _in(period: Period) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return Item.published_at >= period.since, Item.published_at < period.until


@dataclass(frozen=True)
class Count:
    """One bar, slice or row: what it counts, its label, the number, where it leads."""

    key: str
    label: str
    count: int
    link: str | None = None


# ---------------------------------------------------------------- volume


@dataclass(frozen=True)
class Bucket:
    start: datetime  # local
    label: str
    counts: dict[str, int]  # sentiment key -> items
    total: int
    link: str | None


@dataclass(frozen=True)
class Volume:
    hourly: bool
    series: list[Count]  # the sentiments present, with their totals over the period
    buckets: list[Bucket]
    local: int  # items about our area (is_local)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.series)

    @property
    def local_share(self) -> float:
        return self.local / self.total if self.total else 0.0


HourRow = tuple[datetime, str, int, int]  # UTC hour, sentiment, items, local items


def hour_counts(session: Session, period: Period, *where: ColumnElement[bool]) -> list[HourRow]:
    """Items per UTC hour and sentiment in the period (the reports' hour scan)."""
    rows = report_hours(session, period.since, period.until, *where)
    return [(r.hour, r.sentiment, r.items, r.local) for r in rows]


def volume(
    session: Session,
    period: Period,
    *where: ColumnElement[bool],
    links: bool = True,
    part: figures.Split | None = None,
) -> Volume:
    """The period's items per hour or day and sentiment; the whole stream's (no
    ``where``) is read from the kept hour figures."""
    if where:
        return build_volume(period, hour_counts(session, period, *where), links=links)
    kept = figures.hourly(session, "sentiment", part or cut(session, period))
    rows = [(r.start, r.key, r.items, r.local) for r in kept]
    return build_volume(period, rows, links=links)


def build_volume(period: Period, rows: Iterable[HourRow], *, links: bool = True) -> Volume:
    """Regroup hour rows into the period's local hours or days, empty ones included."""
    tz = period.tz
    grid: dict[datetime, dict[str, int]] = {start: {} for start in _starts(period)}
    local = 0
    for hour, sentiment, items, local_items in rows:
        start = hour.astimezone(tz)
        key = start if period.hourly else datetime.combine(start.date(), time(0), tz)
        counts = grid.setdefault(key, {})
        counts[sentiment] = counts.get(sentiment, 0) + items
        local += local_items
    fmt = "%m-%d %H:00" if period.hourly else "%m-%d"
    buckets = [
        Bucket(
            start=start,
            label=start.strftime(fmt),
            counts=counts,
            total=sum(counts.values()),
            link=period.items_link(start.date(), start.date()) if links else None,
        )
        for start, counts in sorted(grid.items())
    ]
    series = _series(buckets)
    if links:  # each sentiment leads to exactly the items it counts
        linkable = (*SENTIMENT_LABELS, UNANALYSED)
        series = [
            replace(s, link=period.items_link(sentiment=s.key)) if s.key in linkable else s
            for s in series
        ]
    return Volume(period.hourly, series, buckets, local)


def _starts(period: Period) -> list[datetime]:
    if not period.hourly:
        return [
            datetime.combine(period.first_day + timedelta(days=d), time(0), period.tz)
            for d in range(period.days)
        ]
    start, end = period.since.astimezone(UTC), period.until.astimezone(UTC)
    hours = int((end - start) / timedelta(hours=1))
    return [(start + timedelta(hours=h)).astimezone(period.tz) for h in range(hours)]


def _series(buckets: list[Bucket]) -> list[Count]:
    totals: dict[str, int] = {}
    for bucket in buckets:
        for key, n in bucket.counts.items():
            totals[key] = totals.get(key, 0) + n
    keys = [k for k in (*SENTIMENT_LABELS, UNANALYSED) if totals.get(k)]
    keys += sorted(k for k in totals if k not in keys and totals[k])
    return [Count(k, sentiment_label(k), totals[k]) for k in keys]


def sentiment_label(key: str | None) -> str:
    if not key or key == UNANALYSED:
        return UNANALYSED_LABEL
    return SENTIMENT_LABELS.get(key, key)


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    item_count: int
    source_count: int
    heat: float
    trend: str | None
    status: str
    merged_into_id: int | None
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # names

    @property
    def arrow(self) -> str:
        return TREND_ARROWS.get(self.trend or "", "")

    @property
    def trend_label(self) -> str:
        return TREND_LABELS.get(self.trend or "", "")

    @property
    def link(self) -> str:
        return f"/events/{self.id}"


def _events_in(period: Period) -> tuple[ColumnElement[bool], ...]:
    return (
        Event.merged_into_id.is_(None),
        Event.first_seen < period.until,
        Event.last_seen >= period.since,
    )


def hot_events(
    session: Session, period: Period, limit: int = TOP, offset: int = 0
) -> list[EventRow]:
    """Events active in the period, hottest first."""
    events = session.scalars(
        select(Event)
        .where(*_events_in(period))
        .order_by(Event.heat.desc(), Event.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return event_rows(session, events)


def count_events(session: Session, period: Period) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Event).where(*_events_in(period))) or 0
    )


def event_rows(session: Session, events: Iterable[Event]) -> list[EventRow]:
    events = list(events)
    names = place_names(session, {code for e in events for code in e.places or []})
    return [
        EventRow(
            id=e.id,
            title=e.title,
            first_seen=e.first_seen,
            last_seen=e.last_seen,
            item_count=e.item_count,
            source_count=e.source_count,
            heat=round(e.heat, 1),
            trend=e.trend,
            status=e.status,
            merged_into_id=e.merged_into_id,
            topics=list(e.topics or []),
            places=[names.get(code, code) for code in e.places or []],
        )
        for e in events
    ]


def place_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names for place codes: our units first, then how an item named the place."""
    if not codes:
        return {}
    found = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())
    for code in codes - found.keys():
        name = session.scalar(select(ItemPlace.name).where(ItemPlace.code == code).limit(1))
        if name:
            found[code] = name
    return {str(code): str(name) for code, name in found.items()}


# ---------------------------------------------------------------- topics, places, rules


def _top(found: dict[str, figures.FigureRow], limit: int) -> list[figures.FigureRow]:
    """The most counted keys, ties by key (as an ORDER BY count DESC, key would)."""
    rows = [r for r in found.values() if r.items]
    return sorted(rows, key=lambda r: (-r.items, r.key))[:limit]


def topic_counts(
    session: Session, period: Period, limit: int = 20, part: figures.Split | None = None
) -> list[Count]:
    """Items per (leading) topic, the same field the item list's topic filter uses."""
    found = figures.totals(session, "topic", part or cut(session, period))
    return [
        Count(r.key, r.key, r.items, period.items_link(topic=r.key)) for r in _top(found, limit)
    ]


def top_places(
    session: Session, period: Period, limit: int = TOP, part: figures.Split | None = None
) -> list[Count]:
    """The places most items mention; the link lists the items that mention the place."""
    found = figures.totals(session, "place", part or cut(session, period))
    return [
        Count(r.key, r.label or r.key, r.items, period.items_link(place=r.key))
        for r in _top(found, limit)
    ]


def rule_counts(
    session: Session, period: Period, limit: int = 20, part: figures.Split | None = None
) -> list[Count]:
    """Hits per watch rule on items published in the period; quiet enabled rules show 0."""
    hits = figures.totals(session, "rule", part or cut(session, period))
    names = dict(
        session.execute(
            select(WatchRule.id, WatchRule.name).where(WatchRule.id.in_([int(k) for k in hits]))
        ).all()
    )
    ranked = sorted(
        ((rule_id, name, hits[str(rule_id)].items) for rule_id, name in names.items()),
        key=lambda r: (-r[2], r[1]),
    )[:limit]
    counts = [Count(str(i), name, n, period.items_link(rule=str(i))) for i, name, n in ranked]
    if len(counts) < limit:
        quiet = session.execute(
            select(WatchRule.id, WatchRule.name)
            .where(WatchRule.enabled.is_(True), WatchRule.id.not_in([int(c.key) for c in counts]))
            .order_by(WatchRule.name)
            .limit(limit - len(counts))
        ).all()
        counts += [Count(str(i), name, 0, period.items_link(rule=str(i))) for i, name in quiet]
    return counts


WAITING_CAP = 10_000  # the all-time waiting count stops here ("10000+")


@dataclass(frozen=True)
class FactChecks:
    waiting: int  # claim matches still waiting for an analyst, over all time (up to the cap)
    in_period: int  # of those, on items published in the period
    waiting_capped: bool = False  # more than WAITING_CAP wait


def fact_checks(session: Session, period: Period, part: figures.Split | None = None) -> FactChecks:
    waiting = ClaimMatch.status == "candidate"
    # All time grows with the data (half a million rows at a million items): counted
    # only up to the cap, as the lists count.
    first = select(ClaimMatch.item_id).where(waiting).limit(WAITING_CAP + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(first)) or 0)
    recent = figures.totals(session, "claim", part or cut(session, period)).get("")
    capped = total > WAITING_CAP
    return FactChecks(min(total, WAITING_CAP), recent.items if recent else 0, capped)


# ---------------------------------------------------------------- the whole overview


@dataclass(frozen=True)
class Overview:
    period: Period
    volume: Volume
    events: list[EventRow]
    events_total: int
    topics: list[Count]
    places: list[Count]
    rules: list[Count]
    fact_checks: FactChecks

    @property
    def sentiment(self) -> list[Count]:
        return self.volume.series


def overview(session: Session, period: Period) -> Overview:
    part = cut(session, period)  # which hours are kept: read once for every figure
    return Overview(
        period=period,
        volume=volume(session, period, part=part),
        events=hot_events(session, period),
        events_total=count_events(session, period),
        topics=topic_counts(session, period, part=part),
        places=top_places(session, period, part=part),
        rules=rule_counts(session, period, part=part),
        fact_checks=fact_checks(session, period, part=part),
    )


def cut(session: Session, period: Period) -> figures.Split:
    return figures.split(session, period.since, period.until)
