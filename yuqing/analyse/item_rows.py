"""What analysis reads of an item, and the pages it reads them in: keyset pages in
(published_at, id) order — the order duplicates and events must be folded in."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from yuqing.store.models import Item, Source

ALL_STAGES = 0b111111
Key = tuple[datetime, int]  # (published_at, id): a position in analysis order


def pending_items() -> ColumnElement[bool]:
    """Items no run has analysed yet, written with the constant inline so that the
    partial index ``ix_items_pending`` (same condition) serves the query."""
    return Item.analysed_stages != literal_column(str(ALL_STAGES))


@dataclass(frozen=True)
class ItemRow:
    id: int
    title: str | None
    text_norm: str
    published_at: datetime
    source: str
    outlet: bool
    lang: str
    engagement: tuple[int, int, int, int] = (0, 0, 0, 0)  # likes, reposts, comments, views
    weight: float = 1.0
    # The event a previous run or an analyst put the item in: it stays there, so that
    # re-running a period is stable and analysts' merges and splits are respected.
    kept_event: int | None = None
    display: str = ""  # the original title, or the opening of the original text

    @property
    def key(self) -> Key:
        return (self.published_at, self.id)


def _query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Item.id,
            Item.title,
            Item.text_norm,
            Item.published_at,
            Item.lang,
            Source.name,
            Source.is_public_outlet,
            Item.likes,
            Item.reposts,
            Item.comments,
            Item.views,
            Source.weight,
            Item.event_id,
            func.coalesce(Item.title, func.substr(Item.text_original, 1, 60)).label("display"),
        )
        .outerjoin(Source, Source.id == Item.source_id)
        .order_by(Item.published_at, Item.id)
    )


def _row(r: Any) -> ItemRow:
    return ItemRow(
        r.id,
        r.title,
        r.text_norm,
        r.published_at,
        r.name or "",
        bool(r.is_public_outlet),
        r.lang,
        (r.likes, r.reposts, r.comments, r.views),
        r.weight if r.weight is not None else 1.0,
        r.event_id,
        r.display or "",
    )


def read_page(
    session: Session,
    *,
    after: Key | None,
    size: int,
    since: datetime | None = None,
    until: datetime | None = None,
    pending_only: bool = False,
) -> list[ItemRow]:
    """The next ``size`` items after ``after`` in analysis order."""
    query = _query().limit(size)
    if since is not None:
        query = query.where(Item.published_at >= since)
    if until is not None:
        query = query.where(Item.published_at < until)
    if pending_only:
        query = query.where(pending_items())
    return [_row(r) for r in session.execute(after_key(query, after))]


def after_key(query: Select[*tuple[Any, ...]], after: Key | None) -> Select[*tuple[Any, ...]]:
    """``query`` limited to the items after ``after`` in analysis order."""
    if after is None:
        return query
    # The first condition alone lets the database seek to the page; with
    # the OR only, SQLite scanned every earlier row for each page.
    return query.where(Item.published_at >= after[0]).where(
        or_(
            Item.published_at > after[0],
            and_(Item.published_at == after[0], Item.id > after[1]),
        )
    )


def read_rows(session: Session, ids: Collection[int]) -> list[ItemRow]:
    """The items with these ids that still exist, in analysis order."""
    return [_row(r) for r in session.execute(_query().where(Item.id.in_(list(ids))))]
