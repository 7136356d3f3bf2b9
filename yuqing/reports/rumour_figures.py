"""The rumour figures of a report window, confirmed and candidate apart.

An item *carries* a rumour when a fact-checker confirmed its match to a known claim;
it is a *candidate* when a match waits for review (and none is confirmed). An event
is rumour-related when one of its items in the window is. The conditions here are the
ones the records pages list (:mod:`yuqing.reports.records`), so every count leads to
exactly what it counts, and the hot-events table marks its events with the same sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from yuqing.reports.scan import in_window
from yuqing.reports.windows import Window
from yuqing.store.models import Claim, ClaimMatch, Event, Item

CONFIRMED = "confirmed"
CANDIDATE = "candidate"
STATUSES = (CONFIRMED, CANDIDATE)


def _matched(status: str) -> Select[Any]:
    return select(ClaimMatch.item_id).where(ClaimMatch.status == status)


def item_condition(status: str) -> ColumnElement[bool]:
    """Items carrying a confirmed rumour, or candidates (a match waiting, none confirmed)."""
    if status == CONFIRMED:
        return Item.id.in_(_matched(CONFIRMED))
    return Item.id.in_(_matched(CANDIDATE)) & Item.id.not_in(_matched(CONFIRMED))


def event_ids(
    session: Session, window: Window, status: str, *where: ColumnElement[bool]
) -> set[int]:
    """Events with an item of the window that carries (or may carry) a rumour; an event
    with a confirmed item is not counted again among the candidates."""
    found = _event_ids(session, window, status, *where)
    if status == CANDIDATE:
        found -= _event_ids(session, window, CONFIRMED, *where)
    return found


def _event_ids(
    session: Session, window: Window, status: str, *where: ColumnElement[bool]
) -> set[int]:
    rows = session.scalars(
        select(Item.event_id)
        .where(*in_window(window), item_condition(status), Item.event_id.is_not(None), *where)
        .distinct()
    )
    return {int(i) for i in rows if i is not None}


def event_query(ids: set[int]) -> Select[Any]:
    return select(Event).where(Event.id.in_(ids)).order_by(Event.heat.desc(), Event.id)


@dataclass(frozen=True)
class ClaimLine:
    id: int
    text: str
    verdict: str
    confirmed: int  # items of the window confirmed to carry it
    candidate: int  # items whose match to it waits for review
    clarification: str | None
    authority: str | None
    published: bool
    published_at: datetime | None


@dataclass(frozen=True)
class Rumours:
    claims: int  # distinct claims confirmed on items of the window
    items: int  # items carrying a confirmed rumour
    candidate_claims: int  # claims only matched by candidates
    candidate_items: int
    events: set[int]  # events with a confirmed item
    candidate_events: set[int]
    top: list[ClaimLine]
    clarified: list[tuple[int, str, str | None]]  # claim id, text, authority


def rumours(session: Session, window: Window, *where: ColumnElement[bool]) -> Rumours:
    counts = {
        status: int(
            session.scalar(
                select(func.count())
                .select_from(Item)
                .where(*in_window(window), item_condition(status), *where)
            )
            or 0
        )
        for status in STATUSES
    }
    lines = claim_lines(session, window, *where)
    confirmed_claims = {c.id for c in lines if c.confirmed}
    clarified = session.execute(
        select(Claim.id, Claim.text, Claim.authority)
        .where(*clarified_in(window))
        .order_by(Claim.published_at, Claim.id)
    ).all()
    return Rumours(
        claims=len(confirmed_claims),
        items=counts[CONFIRMED],
        candidate_claims=len({c.id for c in lines} - confirmed_claims),
        candidate_items=counts[CANDIDATE],
        events=event_ids(session, window, CONFIRMED, *where),
        candidate_events=event_ids(session, window, CANDIDATE, *where),
        top=lines[:8],
        clarified=[(int(i), str(t), a) for i, t, a in clarified],
    )


def claim_lines(session: Session, window: Window, *where: ColumnElement[bool]) -> list[ClaimLine]:
    """Claims met in the window, most items first, confirmed and candidate apart."""
    n = func.count(func.distinct(Item.id))
    rows = session.execute(
        select(ClaimMatch.claim_id, ClaimMatch.status, n)
        .join(Item, Item.id == ClaimMatch.item_id)
        .where(ClaimMatch.status.in_(STATUSES), *in_window(window), *where)
        .group_by(ClaimMatch.claim_id, ClaimMatch.status)
    ).all()
    tally: dict[int, dict[str, int]] = {}
    for claim_id, status, k in rows:
        tally.setdefault(int(claim_id), {})[str(status)] = int(k)
    claims = session.scalars(select(Claim).where(Claim.id.in_(tally))).all()
    lines = [
        ClaimLine(
            c.id,
            c.text,
            c.verdict,
            tally[c.id].get(CONFIRMED, 0),
            tally[c.id].get(CANDIDATE, 0),
            c.clarification,
            c.authority,
            bool(c.published),
            c.published_at,
        )
        for c in claims
    ]
    return sorted(lines, key=lambda c: (-c.confirmed, -c.candidate, c.id))


def clarified_in(window: Window) -> tuple[ColumnElement[bool], ...]:
    return (
        Claim.published.is_(True),
        Claim.published_at >= window.start,
        Claim.published_at < window.end,
    )
