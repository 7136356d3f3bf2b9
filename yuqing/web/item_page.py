"""What an item's page adds around the item: a heading for posts without a title, its
copies, the lock its opener takes, and the queue's next item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from yuqing.desk import triage
from yuqing.desk.queue import QueueFilters, queue_statement
from yuqing.desk.queue_keyset import key_of, read_slice
from yuqing.errors import Conflict
from yuqing.store.db import Database
from yuqing.store.models import Item, Role, Source
from yuqing.store.types import utcnow
from yuqing.web.security import Principal

HEADING_CHARS = 40
MAX_COPIES = 100
JUDGES = (Role.ANALYST, Role.EDITOR)


def heading(title: str | None, text: str) -> str:
    """A post's title, or (posts have none) the start of its text."""
    if title and title.strip():
        return title.strip()
    first = " ".join(text.split())
    return first[:HEADING_CHARS] + ("…" if len(first) > HEADING_CHARS else "")


@dataclass(frozen=True)
class Copy:
    item_id: int
    source: str
    published_at: datetime


def copies(session: Session, item_id: int) -> list[Copy]:
    """The copies folded into an item (reposts, the same text elsewhere), newest first."""
    rows = session.execute(
        select(Item.id, Source.name, Item.published_at)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(Item.duplicate_of_id == item_id)
        .order_by(Item.published_at.desc(), Item.id)
        .limit(MAX_COPIES)
    ).all()
    return [Copy(i, name or "手工录入", when) for i, name, when in rows]


def open_for_triage(db: Database, item_id: int, user: Principal) -> None:
    """Opening an item takes (or renews) its lock for an analyst or editor, unless
    someone else holds it; the page then says who does."""
    if not (set(JUDGES) & user.roles or Role.ADMIN in user.roles):
        return
    with db.transaction() as session:
        item = session.get(Item, item_id)
        if item is None or item.duplicate_of_id is not None:
            return
        try:
            triage.take_lock(session, item_id, user.user_id)
        except Conflict:
            return


def next_in_queue(session: Session, filters: QueueFilters, after: int, user_id: int) -> int | None:
    """The queue's item after ``after`` that nobody else is working on: the next one
    down, from the top again past the end, or the first once ``after`` has left the queue.
    Read from ``after``'s position in the queue's order, never the whole queue."""
    now = utcnow()
    free = or_(
        Item.locked_by_id.is_(None),
        Item.locked_by_id == user_id,
        Item.locked_until.is_(None),
        Item.locked_until <= now,
    )
    dialect = session.get_bind().dialect.name

    def base() -> Select[Item]:
        return queue_statement(filters, user_id, dialect).where(free)

    queue = queue_statement(filters, user_id, dialect)
    in_queue = session.scalar(queue.with_only_columns(Item.id).where(Item.id == after))
    key = key_of(session, after) if in_queue else None
    if key is not None:
        below = read_slice(session, base, filters.statuses, after=key, limit=1)
        if below.ids:
            return below.ids[0]
    top = read_slice(session, lambda: base().where(Item.id != after), filters.statuses, limit=1)
    return top.ids[0] if top.ids else None
