"""Aggregate queries over a report window: each answers with a few grouped rows.

Every query filters items by ``published_at`` (indexed) and groups in SQL, so the
figures of a day of 100 000 items cost a handful of range scans. The records behind
each figure are listed by :mod:`yuqing.reports.records`, with the same conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from yuqing.reports.windows import Window
from yuqing.store.models import (
    Case,
    CaseReply,
    CaseStatus,
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    Source,
    Unit,
)

UNANALYSED = "unanalysed"


def in_window(window: Window) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return Item.published_at >= window.start, Item.published_at < window.end


@dataclass(frozen=True)
class Totals:
    total: int
    epidemic: int  # items that carry an epidemic topic
    local: int  # items about our area (涉我)
    sentiment: dict[str, int]


def totals(session: Session, window: Window, *where: ColumnElement[bool]) -> Totals:
    """Volume, epidemic share, local share and sentiment in one grouped scan."""
    rows = session.execute(
        select(
            Item.sentiment,
            func.count(),
            func.sum(case((Item.topic.is_not(None), 1), else_=0)),
            func.sum(case((Item.is_local.is_(True), 1), else_=0)),
        )
        .where(*in_window(window), *where)
        .group_by(Item.sentiment)
    ).all()
    sentiment = {(s or UNANALYSED): int(n) for s, n, _, _ in rows}
    return Totals(
        total=sum(sentiment.values()),
        epidemic=sum(int(e or 0) for _, _, e, _ in rows),
        local=sum(int(k or 0) for _, _, _, k in rows),
        sentiment=sentiment,
    )


def _hour_bucket(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), Item.published_at)
        return func.date_trunc(literal_column("'hour'"), utc)
    return func.strftime(literal_column("'%Y-%m-%d %H'"), Item.published_at)


def _as_utc_hour(value: datetime | str) -> datetime:
    if isinstance(value, str):
        return datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def volume(session: Session, window: Window, *where: ColumnElement[bool]) -> list[tuple[str, int]]:
    """Items per local hour (windows up to 3 days) or local day, empty ones included."""
    hour = _hour_bucket(session)
    rows = session.execute(
        select(hour, func.count()).where(*in_window(window), *where).group_by(hour)
    ).all()
    step = timedelta(hours=1) if window.hourly else timedelta(days=1)
    buckets: dict[datetime, int] = {}
    start = window.start if window.hourly else _midnight(window.start, window)
    cursor = start
    while cursor < window.end:
        buckets[cursor] = 0
        cursor += step
    for value, n in rows:
        key = _as_utc_hour(value)
        if not window.hourly:
            key = _midnight(key, window)
        buckets[key] = buckets.get(key, 0) + int(n)
    fmt = "%d日%H时" if window.hourly else "%m-%d"
    return [(k.astimezone(window.tz).strftime(fmt), n) for k, n in sorted(buckets.items())]


def _midnight(moment: datetime, window: Window) -> datetime:
    local = moment.astimezone(window.tz)
    return datetime.combine(local.date(), time(0), window.tz).astimezone(UTC)


def topic_counts(session: Session, window: Window, limit: int = 10) -> list[tuple[str, int]]:
    n = func.count().label("n")
    rows = session.execute(
        select(Item.topic, n)
        .where(*in_window(window), Item.topic.is_not(None))
        .group_by(Item.topic)
        .order_by(n.desc(), Item.topic)
        .limit(limit)
    ).all()
    return [(str(t), int(c)) for t, c in rows]


def place_counts(
    session: Session, window: Window, *where: ColumnElement[bool], limit: int = 10
) -> list[tuple[str, str, int]]:
    """(code, name, items) of the places most items mention."""
    n = func.count().label("n")
    rows = session.execute(
        select(ItemPlace.code, func.min(ItemPlace.name), n)
        .join(Item, Item.id == ItemPlace.item_id)
        .where(*in_window(window), *where)
        .group_by(ItemPlace.code)
        .order_by(n.desc(), ItemPlace.code)
        .limit(limit)
    ).all()
    return [(str(c), str(name), int(k)) for c, name, k in rows]


@dataclass(frozen=True)
class EventLine:
    id: int
    title: str
    heat: float
    trend: str | None
    in_window: int
    item_count: int


def key_events(session: Session, window: Window, limit: int = 8) -> list[EventLine]:
    """Events with items in the window, hottest first, with their items in the window."""
    n = func.count(Item.id).label("n")
    rows = session.execute(
        select(Event.id, Event.title, Event.heat, Event.trend, Event.item_count, n)
        .join(Item, Item.event_id == Event.id)
        .where(*in_window(window), Event.merged_into_id.is_(None))
        .group_by(Event.id, Event.title, Event.heat, Event.trend, Event.item_count)
        .order_by(Event.heat.desc(), Event.id)
        .limit(limit)
    ).all()
    return [EventLine(i, t, round(float(h), 1), tr, int(k), int(c)) for i, t, h, tr, c, k in rows]


@dataclass(frozen=True)
class ItemLine:
    id: int
    title: str
    excerpt: str
    source: str
    author: str
    published_at: datetime
    heat: float
    copies: int


def key_items(
    session: Session, window: Window, *where: ColumnElement[bool], limit: int = 5
) -> list[ItemLine]:
    """The hottest originals (not copies) of the window."""
    rows = session.execute(
        select(Item, Source.name)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(*in_window(window), Item.duplicate_of_id.is_(None), *where)
        .order_by(Item.heat.desc(), Item.id)
        .limit(limit)
    ).all()
    return [
        ItemLine(
            id=item.id,
            title=(item.title or item.text_original[:30]).strip(),
            excerpt=item.text_original[:120],
            source=source or "",
            author=item.author or "",
            published_at=item.published_at,
            heat=round(item.heat, 1),
            copies=item.copy_count,
        )
        for item, source in rows
    ]


# ---------------------------------------------------------------- desk


CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Rumours:
    claims: int  # distinct claims met on items of the window
    items: int  # items confirmed to carry one
    top: list[tuple[int, str, str, int]]  # claim id, text, verdict, items
    clarified: list[tuple[int, str, str | None]]  # claim id, text, authority


def rumours(session: Session, window: Window, *where: ColumnElement[bool]) -> Rumours:
    met = (ClaimMatch.status == CONFIRMED, *in_window(window), *where)
    n = func.count().label("n")
    top = session.execute(
        select(Claim.id, Claim.text, Claim.verdict, n)
        .join(ClaimMatch, ClaimMatch.claim_id == Claim.id)
        .join(Item, Item.id == ClaimMatch.item_id)
        .where(*met)
        .group_by(Claim.id, Claim.text, Claim.verdict)
        .order_by(n.desc(), Claim.id)
    ).all()
    clarified = session.execute(
        select(Claim.id, Claim.text, Claim.authority)
        .where(*clarified_in(window))
        .order_by(Claim.published_at, Claim.id)
    ).all()
    return Rumours(
        claims=len(top),
        items=sum(int(r[3]) for r in top),
        top=[(int(i), str(t), str(v), int(k)) for i, t, v, k in top[:8]],
        clarified=[(int(i), str(t), a) for i, t, a in clarified],
    )


def clarified_in(window: Window) -> tuple[ColumnElement[bool], ...]:
    return (
        Claim.published.is_(True),
        Claim.published_at >= window.start,
        Claim.published_at < window.end,
    )


@dataclass(frozen=True)
class Cases:
    opened: int
    replied: int
    overdue: int
    overdue_list: list[tuple[int, str, str, datetime]]  # id, title, department, deadline


def case_conditions(window: Window) -> dict[str, tuple[ColumnElement[bool], ...]]:
    """What counts as opened, replied and overdue in the window; shared with records."""
    replied = select(CaseReply.case_id).where(
        CaseReply.created_at >= window.start, CaseReply.created_at < window.end
    )
    still_open = (Case.closed_at.is_(None)) | (Case.closed_at >= window.end)
    return {
        "opened": (Case.created_at >= window.start, Case.created_at < window.end),
        "replied": (Case.id.in_(replied),),
        "overdue": (
            Case.created_at < window.end,
            Case.deadline < window.end,
            Case.status != CaseStatus.CLOSED.value,
            still_open,
        ),
    }


def cases(session: Session, window: Window) -> Cases:
    conditions = case_conditions(window)
    counts = {
        key: int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)
        for key, where in conditions.items()
    }
    overdue = session.execute(
        select(Case.id, Case.title, Unit.name, Case.deadline)
        .join(Unit, Unit.id == Case.department_id)
        .where(*conditions["overdue"])
        .order_by(Case.deadline, Case.id)
        .limit(10)
    ).all()
    return Cases(
        opened=counts["opened"],
        replied=counts["replied"],
        overdue=counts["overdue"],
        overdue_list=[(int(i), str(t), str(u), d) for i, t, u, d in overdue],
    )


def outlet_counts(session: Session, window: Window, limit: int = 10) -> list[tuple[str, int]]:
    """Articles of registered public outlets in the window, per outlet."""
    name = func.coalesce(Source.outlet_name, Source.name)
    n = func.count().label("n")
    rows = session.execute(
        select(name, n)
        .select_from(Item)
        .join(Source, Source.id == Item.source_id)
        .where(*in_window(window), Source.is_public_outlet.is_(True))
        .group_by(name)
        .order_by(n.desc(), name)
        .limit(limit)
    ).all()
    return [(str(o), int(c)) for o, c in rows]


def source_counts(
    session: Session, window: Window, *where: ColumnElement[bool], limit: int = 10
) -> list[tuple[int, str, int]]:
    """Items per source (platform, site or feed) in the window."""
    n = func.count().label("n")
    rows = session.execute(
        select(Source.id, Source.name, n)
        .select_from(Item)
        .join(Source, Source.id == Item.source_id)
        .where(*in_window(window), *where)
        .group_by(Source.id, Source.name)
        .order_by(n.desc(), Source.name)
        .limit(limit)
    ).all()
    return [(int(i), str(s), int(c)) for i, s, c in rows]


def unit_counts(session: Session, window: Window, limit: int = 10) -> list[tuple[int, str, int]]:
    """Items filed under a unit (its own channels and officers) in the window."""
    n = func.count().label("n")
    rows = session.execute(
        select(Unit.id, Unit.name, n)
        .select_from(Item)
        .join(Unit, Unit.id == Item.unit_id)
        .where(*in_window(window))
        .group_by(Unit.id, Unit.name)
        .order_by(n.desc(), Unit.name)
        .limit(limit)
    ).all()
    return [(int(i), str(u), int(c)) for i, u, c in rows]
