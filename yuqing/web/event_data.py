"""One event's page: its facts, its volume over time, its items, its triage and cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from yuqing.desk import triage
from yuqing.desk.cases import STATUS_LABELS as CASE_STATUS_LABELS
from yuqing.errors import NotFound
from yuqing.store.models import Case, Event, Item, TriageNote
from yuqing.web.overview_data import EventRow, Volume, event_rows, volume
from yuqing.web.periods import MAX_DAYS, Period

EVENT_PAGE = 30


@dataclass(frozen=True)
class EventDetail:
    event: EventRow
    volume: Volume
    items: list[Item]  # originals (and copies whose original is elsewhere), newest first
    listed: int
    page: int
    pages: int
    status: str
    severity: str | None


@dataclass(frozen=True)
class EventTriage:
    """The event page's triage panel: who holds the lock, the notes, the cases opened."""

    holder: str | None
    mine: bool
    locked_until: datetime | None  # while held
    notes: Sequence[tuple[TriageNote, str]]
    cases: Sequence[Case]
    statuses: dict[str, str]
    severities: dict[str, str]
    case_statuses: dict[str, str]


def event_triage(session: Session, event_id: int, user_id: int) -> EventTriage:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    holder = triage.lock_holder(session, event)
    cases = session.scalars(
        select(Case).where(Case.event_id == event_id).order_by(Case.created_at, Case.id)
    ).all()
    return EventTriage(
        holder=holder.display_name if holder else None,
        mine=bool(holder and holder.id == user_id),
        locked_until=event.locked_until if holder else None,
        notes=triage.notes(session, event_id, kind="event"),
        cases=cases,
        statuses=triage.STATUSES,
        severities=triage.SEVERITIES,
        case_statuses=CASE_STATUS_LABELS,
    )


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
        status=event.status,
        severity=event.severity,
    )


def _listed_in_event(event_id: int) -> tuple[ColumnElement[bool], ...]:
    """The event's items less the copies of its own items (those count on the original)."""
    member = aliased(Item)
    in_event = select(member.id).where(member.event_id == event_id)
    return (
        Item.event_id == event_id,
        or_(Item.duplicate_of_id.is_(None), Item.duplicate_of_id.not_in(in_event)),
    )
