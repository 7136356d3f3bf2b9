"""Aggregate queries over a report window besides the two item scans of
:mod:`yuqing.reports.scan`: places, events, key items, rumours and cases.

Every query filters items by ``published_at`` and groups in SQL over the columns of
the covering index, so each costs one index range scan. The records behind each
figure are listed by :mod:`yuqing.reports.records`, with the same conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from yuqing.reports.rumour_figures import CONFIRMED, clarified_in
from yuqing.reports.scan import UNANALYSED, in_window
from yuqing.reports.windows import Window
from yuqing.store.models import (
    Case,
    CaseReply,
    CaseStatus,
    Event,
    Item,
    ItemPlace,
    Unit,
)

__all__ = ["CONFIRMED", "UNANALYSED", "clarified_in", "in_window"]


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
    heat: float  # the sum of its items' heat in the window (the items' scale)
    trend: str | None
    in_window: int
    item_count: int


def key_events(session: Session, window: Window, limit: int = 8) -> list[EventLine]:
    """Events with items in the window, hottest in the window first."""
    # Counted on the covering index first, then joined to the few events found.
    counted = (
        select(
            Item.event_id,
            func.count().label("n"),
            func.coalesce(func.sum(Item.heat), 0).label("heat"),
        )
        .where(*in_window(window), Item.event_id.is_not(None))
        .group_by(Item.event_id)
        .subquery()
    )
    rows = session.execute(
        select(Event.id, Event.title, counted.c.heat, Event.trend, Event.item_count, counted.c.n)
        .join(counted, counted.c.event_id == Event.id)
        .where(Event.merged_into_id.is_(None))
        .order_by(counted.c.heat.desc(), Event.id)
        .limit(limit)
    ).all()
    return [EventLine(i, t, round(float(h), 1), tr, int(k), int(c)) for i, t, h, tr, c, k in rows]


# ---------------------------------------------------------------- desk


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
