"""The grouped scans that every item figure of a report comes from.

The window's items are read grouped by hour and sentiment (volume, sentiment, the
local share), by topic (topics, the epidemic share) and by source and unit (outlets,
units, sources). Each reads only the columns of the covering index
``ix_items_window_cover`` (or the topic index), so a day of 100 000 items costs three
index range scans instead of one table scan per figure. The overview page uses
:func:`hour_counts` too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from yuqing.reports.windows import Window
from yuqing.store.models import Item, Source, Unit

UNANALYSED = "unanalysed"


def in_window(window: Window) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return Item.published_at >= window.start, Item.published_at < window.end


# ---------------------------------------------------------------- hours


def hour_bucket(session: Session) -> ColumnElement[Any]:
    """Publication time truncated to the UTC hour, the same on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), Item.published_at)
        return func.date_trunc(literal_column("'hour'"), utc)
    # SQLite keeps naive UTC text 'YYYY-MM-DD HH:MM:SS…'; its first 13 characters
    # are the hour, cheaper to cut than strftime() is to parse.
    return func.substr(Item.published_at, 1, 13)


def as_utc_hour(value: datetime | str) -> datetime:
    if isinstance(value, str):
        return datetime.strptime(value[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class HourCount:
    hour: datetime  # UTC
    sentiment: str  # UNANALYSED when not analysed yet
    items: int
    local: int  # of those, about our area (涉我)


def hour_counts(
    session: Session, start: datetime, end: datetime, *where: ColumnElement[bool]
) -> list[HourCount]:
    """Items published in [start, end) per UTC hour and sentiment."""
    hour = hour_bucket(session)
    local = func.sum(case((Item.is_local.is_(True), 1), else_=0))
    rows = session.execute(
        select(hour, Item.sentiment, func.count(), local)
        .where(Item.published_at >= start, Item.published_at < end, *where)
        .group_by(hour, Item.sentiment)
    ).all()
    return [HourCount(as_utc_hour(h), s or UNANALYSED, int(n), int(k or 0)) for h, s, n, k in rows]


def topic_counts(session: Session, window: Window, *where: ColumnElement[bool]) -> dict[str, int]:
    """Items per (leading) topic in the window; items without one are not epidemic."""
    rows = session.execute(
        select(Item.topic, func.count())
        .where(*in_window(window), Item.topic.is_not(None), *where)
        .group_by(Item.topic)
    ).all()
    return {str(topic): int(n) for topic, n in rows}


@dataclass(frozen=True)
class Totals:
    total: int
    epidemic: int  # items that carry an epidemic topic
    local: int  # items about our area (涉我)
    sentiment: dict[str, int]


@dataclass(frozen=True)
class WindowItems:
    """What the hour scan says about a window."""

    totals: Totals
    volume: list[tuple[str, int]]  # local hour or day label, items
    topics: list[tuple[str, int]]  # most items first


def window_items(
    session: Session, window: Window, *where: ColumnElement[bool], top: int = 10
) -> WindowItems:
    rows = hour_counts(session, window.start, window.end, *where)
    topics = topic_counts(session, window, *where)
    sentiment: Counter[str] = Counter()
    for row in rows:
        sentiment[row.sentiment] += row.items
    totals = Totals(
        total=sum(sentiment.values()),
        epidemic=sum(topics.values()),
        local=sum(row.local for row in rows),
        sentiment=dict(sentiment),
    )
    return WindowItems(totals, volume(window, rows), _top(topics.items(), top))


def volume(window: Window, rows: list[HourCount]) -> list[tuple[str, int]]:
    """Items per local hour (windows up to 3 days) or local day, empty ones included."""
    step = timedelta(hours=1) if window.hourly else timedelta(days=1)
    start = window.start if window.hourly else _midnight(window.start, window)
    buckets: dict[datetime, int] = {}
    cursor = start
    while cursor < window.end:
        buckets[cursor] = 0
        cursor += step
    for row in rows:
        key = row.hour if window.hourly else _midnight(row.hour, window)
        buckets[key] = buckets.get(key, 0) + row.items
    fmt = "%d日%H时" if window.hourly else "%m-%d"
    return [(k.astimezone(window.tz).strftime(fmt), n) for k, n in sorted(buckets.items())]


def _midnight(moment: datetime, window: Window) -> datetime:
    local = moment.astimezone(window.tz)
    return datetime.combine(local.date(), time(0), window.tz).astimezone(UTC)


# ---------------------------------------------------------------- channels


@dataclass(frozen=True)
class Channels:
    """Items per registered outlet, per source and per unit, most first."""

    outlets: list[tuple[str, int]]  # outlet name, articles
    sources: list[tuple[int, str, int]]  # source id, name, items
    units: list[tuple[int, str, int]]  # unit id, name, items


def channels(
    session: Session, window: Window, *where: ColumnElement[bool], top: int = 10
) -> Channels:
    rows = session.execute(
        select(Item.source_id, Item.unit_id, func.count())
        .where(*in_window(window), *where)
        .group_by(Item.source_id, Item.unit_id)
    ).all()
    by_source: Counter[int] = Counter()
    by_unit: Counter[int] = Counter()
    for source_id, unit_id, n in rows:
        if source_id is not None:
            by_source[int(source_id)] += int(n)
        if unit_id is not None:
            by_unit[int(unit_id)] += int(n)
    sources = session.execute(
        select(Source.id, Source.name, Source.outlet_name, Source.is_public_outlet).where(
            Source.id.in_(by_source)
        )
    ).all()
    outlets: Counter[str] = Counter()
    names: dict[int, str] = {}
    for source_id, name, outlet_name, is_outlet in sources:
        names[source_id] = name
        if is_outlet:
            outlets[outlet_name or name] += by_source[source_id]
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(by_unit))).all())
    return Channels(
        outlets=_top(outlets.items(), top),
        sources=_top_named(by_source, names, top),
        units=_top_named(by_unit, units, top),
    )


def _top(pairs: Iterable[tuple[str, int]], top: int) -> list[tuple[str, int]]:
    """Most first, then by name: the same order every time."""
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:top]


def _top_named(counts: Counter[int], names: dict[int, str], top: int) -> list[tuple[int, str, int]]:
    rows = [(key, str(names[key]), n) for key, n in counts.items() if key in names]
    return sorted(rows, key=lambda row: (-row[2], row[1]))[:top]
