"""One event's page: its facts, its volume over time, its items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from yuqing.store.models import (
    Event,
    Item,
)
from yuqing.web.overview_data import MAX_DAYS, EventRow, Period, Volume, event_rows, volume

EVENT_PAGE = 30


@dataclass(frozen=True)
class EventDetail:
    event: EventRow
    volume: Volume
    items: list[Item]  # originals (and copies whose original is elsewhere), newest first
    listed: int
    page: int
    pages: int


def event_detail(
    session: Session, event_id: int, tz: ZoneInfo, page: int = 1
) -> EventDetail | None:
    event = session.get(Event, event_id)
    if event is None:
        return None
    last = event.last_seen.astimezone(tz).date()
    first = max(event.first_seen.astimezone(tz).date(), last - timedelta(days=MAX_DAYS - 1))
    shown = _listed_in_event(event_id)
    listed = int(session.scalar(select(func.count()).select_from(Item).where(*shown)) or 0)
    items = session.scalars(
        select(Item)
        .where(*shown)
        .order_by(Item.published_at.desc(), Item.id.desc())
        .limit(EVENT_PAGE)
        .offset((max(page, 1) - 1) * EVENT_PAGE)
    ).all()
    return EventDetail(
        event=event_rows(session, [event])[0],
        volume=volume(session, Period(first, last, tz), Item.event_id == event_id, links=False),
        items=list(items),
        listed=listed,
        page=max(page, 1),
        pages=max(1, -(-listed // EVENT_PAGE)),
    )


def _listed_in_event(event_id: int) -> tuple[ColumnElement[bool], ...]:
    """The event's items less the copies of its own items (those count on the original)."""
    member = aliased(Item)
    in_event = select(member.id).where(member.event_id == event_id)
    return (
        Item.event_id == event_id,
        or_(Item.duplicate_of_id.is_(None), Item.duplicate_of_id.not_in(in_event)),
    )
