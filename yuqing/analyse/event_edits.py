"""Analysts' corrections to clustering: merging two events, splitting items off.

Moved items are pinned to their new event, and a merged event points at the one it
went into, so later clustering runs keep both decisions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yuqing.analyse.event_store import refresh
from yuqing.errors import BadInput, NotFound
from yuqing.store.models import AuditEntry, Event, Item


def merge_events(session: Session, source_id: int, target_id: int, user_id: int | None) -> Event:
    """Move every item of ``source_id`` into ``target_id``; the source is kept as merged."""
    if source_id == target_id:
        raise BadInput("an event cannot be merged into itself")
    source, target = _event(session, source_id), _event(session, target_id)
    if target.merged_into_id is not None:
        raise BadInput(f"event {target_id} was itself merged into event {target.merged_into_id}")
    session.execute(
        update(Item).where(Item.event_id == source_id).values(event_id=target_id, event_pinned=True)
    )
    source.merged_into_id = target_id
    source.item_count = 0
    target.curated = True
    _audit(session, user_id, "event_merged", source_id, {"into": target_id})
    session.flush()
    refresh(session, [target_id])
    return target


def split_event(
    session: Session, event_id: int, item_ids: Sequence[int], title: str, user_id: int | None
) -> Event:
    """Move the given items of an event into a new event of their own."""
    event = _event(session, event_id)
    members = set(session.scalars(select(Item.id).where(Item.event_id == event_id)))
    strangers = sorted(set(item_ids) - members)
    if not item_ids or strangers:
        raise BadInput(f"items {strangers or '(none)'} are not in event {event_id}")
    if set(item_ids) == members:
        raise BadInput("splitting off every item would leave the event empty: rename it instead")
    first = session.scalars(
        select(Item).where(Item.id.in_(item_ids)).order_by(Item.published_at)
    ).first()
    assert first is not None
    new = Event(
        title=title.strip() or (first.title or first.text_original[:40]),
        first_seen=first.published_at,
        last_seen=first.published_at,
        curated=True,
    )
    session.add(new)
    session.flush()
    session.execute(
        update(Item).where(Item.id.in_(item_ids)).values(event_id=new.id, event_pinned=True)
    )
    event.curated = True
    _audit(
        session, user_id, "event_split", event_id, {"new_event": new.id, "items": list(item_ids)}
    )
    session.flush()
    refresh(session, [event_id, new.id])
    return new


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"event {event_id} does not exist")
    return event


def _audit(
    session: Session, user_id: int | None, action: str, event_id: int, detail: dict[str, object]
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type="event",
            object_id=str(event_id),
            detail=detail,
        )
    )
