"""The overview's figures per UTC hour: counted from the items, kept, and read back.

Five kinds of figure are kept per hour and key (``hour_figures``): items by sentiment
(with the local ones), by leading topic, by place mentioned, by watch rule hit, and
claim matches waiting for an analyst. Triggers mark an hour in ``figure_changes``
whenever anything it counts changes (migration 0017), whoever writes; :func:`recount`
counts the marked hours again and clears exactly the marks it read, so a change that
lands while it counts stays marked for the next recount.

A period is read as its whole hours from the kept rows, except the hours still
marked, which are counted from the items as are the part-hours at its ends (a time
zone whose days do not start on a UTC hour). The figures are therefore always those
of the items; the kept rows only make them cheap. At a million items a week's
figures cost a few hundred kept rows instead of scans of 80,000 items and their places.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, literal_column, or_, select
from sqlalchemy.orm import Session

from yuqing.store.db import Database
from yuqing.store.models import ClaimMatch, FigureChange, HourFigure, Item, ItemPlace, RuleHit

logger = logging.getLogger(__name__)

UNANALYSED = "unanalysed"
KINDS = ("sentiment", "topic", "place", "rule", "claim")
HOUR = timedelta(hours=1)
HOURS_PER_RECOUNT = 48  # hours counted per transaction: short enough not to hold writers up
MAX_MARKED = 240  # a period with more marked hours than this is counted from the items
ID_CHUNK = 5_000

Range = tuple[datetime, datetime]


@dataclass(frozen=True)
class FigureRow:
    hour: str  # 'YYYY-MM-DD HH', UTC
    key: str
    items: int
    local: int = 0
    label: str | None = None

    @property
    def start(self) -> datetime:
        return hour_start(self.hour)


def hour_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H")


@lru_cache(maxsize=4096)
def hour_start(key: str) -> datetime:
    # Cut by position, and kept: strptime for a week's 500 rows was a fifth of the overview.
    year, month, day, hour = int(key[0:4]), int(key[5:7]), int(key[8:10]), int(key[11:13])
    return datetime(year, month, day, hour, tzinfo=UTC)


def hour_of(session: Session) -> ColumnElement[str]:
    """An item's publication hour as the same text on both backends (as the triggers
    write it): SQLite keeps naive UTC text, whose first 13 characters are the hour."""
    if session.get_bind().dialect.name == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), Item.published_at)
        return func.to_char(utc, literal_column("'YYYY-MM-DD HH24'"))
    return func.substr(Item.published_at, 1, 13)


# ---------------------------------------------------------------- counting from the items


def count_items(session: Session, kind: str, ranges: Sequence[Range]) -> list[FigureRow]:
    """One kind's figures per hour and key over the items published in ``ranges``."""
    if not ranges:
        return []
    hour = hour_of(session)
    within = or_(*(and_(Item.published_at >= s, Item.published_at < e) for s, e in ranges))
    n = func.count()
    query: Any
    if kind == "sentiment":
        local = func.sum(case((Item.is_local.is_(True), 1), else_=0))
        query = select(hour, Item.sentiment, n, local).where(within).group_by(hour, Item.sentiment)
    elif kind == "topic":
        query = (
            select(hour, Item.topic, n)
            .where(within, Item.topic.is_not(None))
            .group_by(hour, Item.topic)
        )
    elif kind == "place":
        query = (
            select(hour, ItemPlace.code, n, func.min(ItemPlace.name))
            .join(Item, Item.id == ItemPlace.item_id)
            .where(within)
            .group_by(hour, ItemPlace.code)
        )
    elif kind == "rule":
        query = (
            select(hour, RuleHit.rule_id, n)
            .join(Item, Item.id == RuleHit.item_id)
            .where(within)
            .group_by(hour, RuleHit.rule_id)
        )
    elif kind == "claim":
        query = (
            select(hour, literal_column("''"), n)
            .select_from(ClaimMatch)
            .join(Item, Item.id == ClaimMatch.item_id)
            .where(within, ClaimMatch.status == "candidate")
            .group_by(hour)
        )
    else:
        raise ValueError(f"no such figure: {kind!r}")
    return [_row(kind, *r) for r in session.execute(query).all()]


def _row(kind: str, hour: str, key: Any, items: int, extra: Any = None) -> FigureRow:
    if kind == "sentiment":
        return FigureRow(str(hour), str(key or UNANALYSED), int(items), int(extra or 0))
    return FigureRow(str(hour), str(key), int(items), label=extra)


def hour_ranges(hours: Iterable[str]) -> list[Range]:
    """Hours as the fewest ranges of publication time (neighbours joined)."""
    ranges: list[Range] = []
    for start in sorted(hour_start(h) for h in set(hours)):
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], start + HOUR)
        else:
            ranges.append((start, start + HOUR))
    return ranges


# ---------------------------------------------------------------- keeping them


def recount(db: Database, *, hours_per_transaction: int = HOURS_PER_RECOUNT) -> int:
    """Count every hour marked changed (up to the marks present now) and keep the
    counts; returns how many hours were counted."""
    with db.reading() as session:
        newest = session.scalar(select(func.max(FigureChange.id)))
    if newest is None:
        return 0
    counted = 0
    while True:
        with db.transaction() as session:
            hours = _recount_some(session, newest, hours_per_transaction)
        if not hours:
            break
        counted += hours
    if counted:
        logger.info("figures: %d hours counted", counted)
    return counted


def _recount_some(session: Session, newest: int, limit: int) -> int:
    if session.get_bind().dialect.name == "postgresql":  # one recount at a time
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext("yuqing.figures"))))
    hours = list(
        session.scalars(
            select(FigureChange.hour)
            .where(FigureChange.id <= newest)
            .group_by(FigureChange.hour)
            .order_by(FigureChange.hour)
            .limit(limit)
        )
    )
    if not hours:
        return 0
    # The marks are read before the items are counted, and only those are cleared: a
    # writer that commits later has its own mark, which stays for the next recount.
    marks = list(
        session.scalars(
            select(FigureChange.id).where(FigureChange.hour.in_(hours), FigureChange.id <= newest)
        )
    )
    ranges = hour_ranges(hours)
    rows = [
        {
            "kind": kind,
            "hour": r.hour,
            "key": r.key,
            "items": r.items,
            "local": r.local,
            "label": r.label,
        }
        for kind in KINDS
        for r in count_items(session, kind, ranges)
    ]
    session.execute(delete(HourFigure).where(HourFigure.hour.in_(hours)))
    if rows:
        session.execute(insert(HourFigure), rows)
    for i in range(0, len(marks), ID_CHUNK):
        session.execute(delete(FigureChange).where(FigureChange.id.in_(marks[i : i + ID_CHUNK])))
    return len(hours)


def mark_all(session: Session) -> None:
    """Mark every hour that holds items (a full recount follows)."""
    hours = select(hour_of(session)).distinct()
    session.execute(insert(FigureChange).from_select(["hour"], hours))


# ---------------------------------------------------------------- reading a period


@dataclass(frozen=True)
class Split:
    """A period as kept whole hours [first, end) less the marked ones, and the
    ranges to count from the items."""

    first: str | None
    end: str | None
    marked: frozenset[str]
    live: tuple[Range, ...]


def split(session: Session, since: datetime, until: datetime) -> Split:
    """Cut [since, until) once; every kind of figure for the period reads the same cut."""
    first = _ceil_hour(since)
    end = until.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if first >= end:
        return Split(None, None, frozenset(), ((since, until),))
    a, b = hour_key(first), hour_key(end)
    marked = frozenset(
        session.scalars(
            select(FigureChange.hour)
            .where(FigureChange.hour >= a, FigureChange.hour < b)
            .group_by(FigureChange.hour)
            .limit(MAX_MARKED + 1)
        )
    )
    if len(marked) > MAX_MARKED:
        return Split(None, None, frozenset(), ((since, until),))
    live = [r for r in ((since, first), (end, until)) if r[0] < r[1]]
    return Split(a, b, marked, tuple(sorted([*live, *hour_ranges(marked)])))


def _ceil_hour(moment: datetime) -> datetime:
    floor = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + HOUR


def hourly(session: Session, kind: str, part: Split) -> list[FigureRow]:
    """One kind's figures per hour and key over a period (as :func:`split` cut it)."""
    rows = count_items(session, kind, part.live)
    if part.first is not None:
        kept = session.execute(
            select(
                HourFigure.hour,
                HourFigure.key,
                HourFigure.items,
                HourFigure.local,
                HourFigure.label,
            ).where(*_kept(kind, part))
        ).all()
        rows += [FigureRow(h, k, n, loc, label) for h, k, n, loc, label in kept]
    return rows


def totals(session: Session, kind: str, part: Split) -> dict[str, FigureRow]:
    """One kind's figures per key over a period (as :func:`split` cut it), summed over
    its hours (``hour`` is then the first hour counted; ``label`` the least one given)."""
    summed: dict[str, FigureRow] = {}
    rows = count_items(session, kind, part.live)
    if part.first is not None:
        kept = session.execute(
            select(
                func.min(HourFigure.hour),
                HourFigure.key,
                func.sum(HourFigure.items),
                func.sum(HourFigure.local),
                func.min(HourFigure.label),
            )
            .where(*_kept(kind, part))
            .group_by(HourFigure.key)
        ).all()
        rows += [FigureRow(h, k, int(n), int(loc or 0), label) for h, k, n, loc, label in kept]
    for row in rows:
        seen = summed.get(row.key)
        summed[row.key] = row if seen is None else _add(seen, row)
    return summed


def _kept(kind: str, part: Split) -> list[ColumnElement[bool]]:
    where = [HourFigure.kind == kind, HourFigure.hour >= part.first, HourFigure.hour < part.end]
    if part.marked:
        where.append(HourFigure.hour.not_in(sorted(part.marked)))
    return where


def _add(a: FigureRow, b: FigureRow) -> FigureRow:
    labels = [x for x in (a.label, b.label) if x is not None]
    return FigureRow(
        min(a.hour, b.hour), a.key, a.items + b.items, a.local + b.local, min(labels, default=None)
    )
