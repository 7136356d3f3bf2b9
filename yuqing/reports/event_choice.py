"""The events a special report (专报) may be drafted on, for the editor to pick from:
live events (not merged into another), searched by title, most recent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.store.models import ClaimMatch, Event, Item

LIMIT = 40


@dataclass(frozen=True)
class Choice:
    id: int
    title: str
    items: int
    heat: float
    first_seen: datetime
    last_seen: datetime
    rumour: bool  # an item of it is matched to a known rumour (confirmed or waiting)


def events_to_choose(session: Session, query: str = "", limit: int = LIMIT) -> list[Choice]:
    words = query.split()
    select_events = select(Event).where(Event.merged_into_id.is_(None), Event.item_count > 0)
    for word in words[:5]:
        select_events = select_events.where(Event.title.contains(word, autoescape=True))
    events = session.scalars(
        select_events.order_by(Event.last_seen.desc(), Event.id.desc()).limit(limit)
    ).all()
    matched = set(
        session.scalars(
            select(Item.event_id)
            .join(ClaimMatch, ClaimMatch.item_id == Item.id)
            .where(
                Item.event_id.in_([e.id for e in events]),
                ClaimMatch.status.in_(("confirmed", "candidate")),
            )
            .group_by(Item.event_id)
            .having(func.count() > 0)
        )
    )
    return [
        Choice(
            e.id,
            e.title,
            e.item_count,
            round(e.heat, 1),
            e.first_seen,
            e.last_seen,
            e.id in matched,
        )
        for e in events
    ]
