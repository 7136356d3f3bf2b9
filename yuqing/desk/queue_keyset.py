"""The triage queue's pages by position, not by OFFSET: a page after (or before) a row.

The queue's order — most severe first, then the hottest, then the newest — mixes a
severity rank with descending columns, which no single index can hand out for a
status list. So the queue is read as one short stream per (status, severity rank),
each an index range of ``ix_items_queue`` (status, rank, heat, publication time, id
over originals), and the streams are merged here. A page costs the same few index
seeks whether the queue holds 500 items or 500 000, and however deep it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, literal_column, select, tuple_
from sqlalchemy.orm import Session

from yuqing.store.models import Item
from yuqing.store.models.items import SEVERITY_RANK_SQL

# Literal SQL, not bound parameters: see SEVERITY_RANK_SQL.
SEVERITY_RANK: ColumnElement[int] = literal_column(SEVERITY_RANK_SQL)
RANKS = (0, 1, 2)

Key = tuple[int, float, datetime, int]  # severity rank, heat, published_at, id


@dataclass(frozen=True)
class Slice:
    ids: list[int]  # in queue order
    more: bool  # there are rows beyond the slice, in the direction read


def sort_key(key: Key) -> tuple[int, float, float, int]:
    """The queue's order as an ascending key: rank up, heat, time and id down."""
    rank, heat, published, item_id = key
    return rank, -heat, -published.timestamp(), -item_id


def key_of(session: Session, item_id: int) -> Key | None:
    """Where an item stands in the queue's order (None: no such item)."""
    row = session.execute(
        select(SEVERITY_RANK, Item.heat, Item.published_at, Item.id).where(Item.id == item_id)
    ).first()
    return None if row is None else (int(row[0]), float(row[1] or 0.0), row[2], int(row[3]))


def read_slice(
    session: Session,
    base: Callable[[], Select[Item]],
    statuses: list[str],
    *,
    after: Key | None = None,
    before: Key | None = None,
    skip: int = 0,
    limit: int = 50,
) -> Slice:
    """``limit`` ids of the queue ``base()`` selects: the first ones (past ``skip``),
    the ones right after ``after``, or the ones right before ``before``."""
    want = skip + limit + 1
    rows: list[Key] = []
    for status in statuses:
        for rank in RANKS:
            rows += _stream(session, base(), status, rank, after, before, want)
    backwards = before is not None
    rows.sort(key=sort_key, reverse=backwards)
    taken = rows[skip : skip + limit]
    if backwards:
        taken.reverse()
    return Slice([key[3] for key in taken], len(rows) > skip + limit)


def _stream(
    session: Session,
    stmt: Select[Item],
    status: str,
    rank: int,
    after: Key | None,
    before: Key | None,
    limit: int,
) -> list[Key]:
    """One (status, rank) stream's rows next to the cursor, nearest first."""
    row_value, ranked = tuple_(Item.heat, Item.published_at, Item.id), SEVERITY_RANK
    stmt = stmt.where(Item.status == status, ranked == rank)
    if after is not None:
        if rank < after[0]:
            return []
        if rank == after[0]:
            stmt = stmt.where(row_value < after[1:])
        order = (Item.heat.desc(), Item.published_at.desc(), Item.id.desc())
    elif before is not None:
        if rank > before[0]:
            return []
        if rank == before[0]:
            stmt = stmt.where(row_value > before[1:])
        order = (Item.heat.asc(), Item.published_at.asc(), Item.id.asc())
    else:
        order = (Item.heat.desc(), Item.published_at.desc(), Item.id.desc())
    keyed = stmt.with_only_columns(Item.heat, Item.published_at, Item.id).order_by(*order)
    return [
        (rank, float(heat or 0.0), published, int(item_id))
        for heat, published, item_id in session.execute(keyed.limit(limit))
    ]
