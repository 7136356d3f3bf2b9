"""The item list's filters: from request parameters to a search and its rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.store.models import Item, Source, Unit
from yuqing.store.search import ItemQuery, Sort, count_items, search_item_ids
from yuqing.text import matching_form

PER_PAGE = 50


@dataclass
class ItemFilters:
    """What a person can ask of the item list; every field optional."""

    q: str = ""
    since: date | None = None
    until: date | None = None
    source: int | None = None
    unit: int | None = None
    topic: str = ""
    status: str = ""
    sort: Sort = "time"
    page: int = 1

    def to_query(self, tz: ZoneInfo, per_page: int = PER_PAGE) -> ItemQuery:
        """Dates are whole local days: since's midnight up to the midnight after until."""
        since = datetime.combine(self.since, time(0), tz) if self.since else None
        until = (
            datetime.combine(self.until + timedelta(days=1), time(0), tz) if self.until else None
        )
        return ItemQuery(
            text=matching_form(self.q),
            since=since,
            until=until,
            source_ids=[self.source] if self.source else [],
            unit_ids=[self.unit] if self.unit else [],
            topics=[self.topic] if self.topic else [],
            statuses=[self.status] if self.status else [],
            sort=self.sort,
            limit=per_page,
            offset=(max(self.page, 1) - 1) * per_page,
        )


@dataclass
class ItemPage:
    items: list[Item]
    total: int
    page: int
    pages: int


def find_items(session: Session, query: ItemQuery) -> ItemPage:
    ids = search_item_ids(session, query)
    rows = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(ids)))}
    total = count_items(session, query)
    page = query.offset // query.limit + 1
    pages = max(1, -(-total // query.limit))
    return ItemPage([rows[i] for i in ids if i in rows], total, page, pages)


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Options for the filter form's drop-downs."""
    sources = session.execute(select(Source.id, Source.name).order_by(Source.name)).all()
    units = session.execute(select(Unit.id, Unit.name, Unit.path).order_by(Unit.path)).all()
    topics = session.scalars(select(Item.topic).where(Item.topic.is_not(None)).distinct()).all()
    return {
        "sources": [(str(i), name) for i, name in sources],
        "units": [(str(i), "　" * (path.count("/") - 2) + name) for i, name, path in units],
        "topics": [(t, t) for t in sorted(t for t in topics if t)],
    }
