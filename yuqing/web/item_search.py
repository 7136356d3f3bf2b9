"""The item list's filters: from request parameters to a search and its rows.

The filters are the ones the overview counts by (topic, place, 涉我, sentiment, watch
rule, claim, event), so a figure's link lists exactly the items it counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.analyse.topics import Taxonomy
from yuqing.errors import BadInput
from yuqing.store.models import Claim, Event, Item, ItemPlace, Source, Unit, WatchRule
from yuqing.store.search import ItemQuery, Sort, count_items, search_item_ids
from yuqing.text import matching_form

PER_PAGE = 50
COUNT_CAP = 10_000  # a list counts its matches up to here, then says "more than"
PLACE_CHOICES = 100
PLACE_WINDOW = 20_000  # the place box suggests what this many newest items mention
Key = tuple[datetime, int]  # an item's place in the time order
SENTIMENTS = {"negative": "负面", "neutral": "中性", "positive": "正面", "unanalysed": "未分析"}


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
    place: str = ""  # a place code, or a place's name
    local: bool = False  # 涉我: about the desk's own area
    sentiment: str = ""  # a key of SENTIMENTS
    rule: int | None = None
    claim: int | None = None
    event: int | None = None
    sort: Sort = "time"
    page: int = 1
    after: datetime | None = None  # an exact window (an alert's hour), within the days
    before: datetime | None = None
    after_id: int | None = None  # by time: the page after this item (下一页) …
    before_id: int | None = None  # … or the page before it (上一页)

    def __post_init__(self) -> None:
        if self.sentiment and self.sentiment not in SENTIMENTS:
            raise BadInput(f"未知的情感倾向：{self.sentiment}（可选 {'、'.join(SENTIMENTS)}）")

    def to_query(self, session: Session, tz: ZoneInfo, per_page: int = 0) -> ItemQuery:
        """Dates are whole local days: since's midnight up to the midnight after until."""
        per_page = per_page or PER_PAGE
        offset, after, before = self._position(session, per_page)
        since = datetime.combine(self.since, time(0), tz) if self.since else None
        until = (
            datetime.combine(self.until + timedelta(days=1), time(0), tz) if self.until else None
        )
        if self.after:
            since = max(since, self.after) if since else self.after
        if self.before:
            until = min(until, self.before) if until else self.before
        return ItemQuery(
            text=matching_form(self.q),
            since=since,
            until=until,
            source_ids=[self.source] if self.source else [],
            unit_ids=[self.unit] if self.unit else [],
            topics=[self.topic] if self.topic else [],
            statuses=[self.status] if self.status else [],
            sentiments=[_sentiment_value(self.sentiment)] if self.sentiment else [],
            event_ids=[self.event] if self.event else [],
            place_codes=place_codes(session, self.place),
            rule_ids=[self.rule] if self.rule else [],
            claim_ids=[self.claim] if self.claim else [],
            local_only=self.local,
            sort=self.sort,
            limit=per_page,
            offset=offset,
            after=after,
            before=before,
        )

    def _position(self, session: Session, per_page: int) -> tuple[int, Key | None, Key | None]:
        """Where the page starts: next to an item in the time order, else by page number."""
        cursor = self.after_id or self.before_id
        row = None
        if cursor and self.sort == "time":
            row = session.execute(
                select(Item.published_at, Item.id).where(Item.id == cursor)
            ).first()
        if row is None:
            return (max(self.page, 1) - 1) * per_page, None, None
        key = (row[0], int(row[1]))
        return (0, key, None) if self.after_id else (0, None, key)


def _sentiment_value(key: str) -> str | None:
    return None if key == "unanalysed" else key


def place_codes(session: Session, place: str) -> list[str]:
    """A place as the codes items carry: a code as given; a name as every code known by it."""
    place = place.strip()
    if not place or place.isdigit():
        return [place] if place else []
    codes = set(session.scalars(select(ItemPlace.code).where(ItemPlace.name == place).distinct()))
    codes |= {c for c in session.scalars(select(Unit.code).where(Unit.name == place)) if c}
    # A name no item mentions stays as the only "code", which matches no item: the list
    # is empty, as it should be, rather than unfiltered.
    return sorted(codes) or [place]


@dataclass
class ItemPage:
    items: list[Item]
    total: int
    page: int
    pages: int
    capped: bool = False  # total stopped at COUNT_CAP: there are more

    @property
    def first_id(self) -> int:
        return self.items[0].id if self.items else 0

    @property
    def last_id(self) -> int:
        return self.items[-1].id if self.items else 0


def find_items(session: Session, query: ItemQuery, page: int | None = None) -> ItemPage:
    """One page of matches; ``page`` numbers a page read by position (the query's
    offset numbers one read by OFFSET)."""
    ids = search_item_ids(session, query)
    rows = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(ids)))}
    total = count_items(session, query, cap=COUNT_CAP)
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    page = page or query.offset // query.limit + 1
    pages = max(
        1, -(-total // query.limit), page + (1 if capped and len(ids) == query.limit else 0)
    )
    return ItemPage([rows[i] for i in ids if i in rows], total, page, pages, capped)


def topic_names(topics: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The configured taxonomy's topics (settings.topics), or the built-in one's."""
    if any(isinstance(seeds, str) for seeds in topics.values()):  # refused, with the reason
        return Taxonomy.from_mapping(topics).names
    return _topic_names(tuple((name, tuple(seeds)) for name, seeds in topics.items()))


@lru_cache(maxsize=8)
def _topic_names(topics: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    # Kept: building the taxonomy (its seeds) for a drop-down cost each list page 10 ms.
    mapping = dict(topics)
    return (Taxonomy.from_mapping(mapping) if mapping else Taxonomy.default()).names


def filter_choices(
    session: Session, topics: Mapping[str, Sequence[str]]
) -> dict[str, list[tuple[str, str]]]:
    """Options for the filter form's drop-downs."""
    sources = session.execute(select(Source.id, Source.name).order_by(Source.name)).all()
    units = session.execute(select(Unit.id, Unit.name, Unit.path).order_by(Unit.path)).all()
    places = place_suggestions(session)
    rules = session.execute(select(WatchRule.id, WatchRule.name).order_by(WatchRule.name)).all()
    claims = session.execute(select(Claim.id, Claim.text).order_by(Claim.id.desc())).all()
    return {
        "sources": [(str(i), name) for i, name in sources],
        "units": [(str(i), "　" * (path.count("/") - 2) + name) for i, name, path in units],
        "topics": [(t, t) for t in topic_names(topics)],
        "places": places,
        "sentiments": list(SENTIMENTS.items()),
        "rules": [(str(i), name) for i, name in rules],
        "claims": [(str(i), text[:40]) for i, text in claims],
    }


def place_suggestions(session: Session) -> list[tuple[str, str]]:
    """The places the newest PLACE_WINDOW items mention most, for the place box's list.
    The newest, not all: counting every mention ever made grows with the data (a second
    a page at a million items), and the places in the news now are the ones asked for."""
    floor = session.scalar(select(Item.id).order_by(Item.id.desc()).offset(PLACE_WINDOW).limit(1))
    recent = select(ItemPlace.code, ItemPlace.name)
    if floor is not None:
        recent = recent.where(ItemPlace.item_id > floor)
    # The LIMIT keeps the mentions a subquery read by item id: flattened, SQLite would
    # walk the place-code index over every mention to group them.
    mention = recent.limit(PLACE_WINDOW * 20).subquery()
    mentions = func.count().label("mentions")
    rows = session.execute(
        select(mention.c.code, func.min(mention.c.name), mentions)
        .group_by(mention.c.code)
        .order_by(mentions.desc(), mention.c.code)
        .limit(PLACE_CHOICES)
    ).all()
    return [(code, name) for code, name, _ in rows]


def event_title(session: Session, event_id: int | None) -> str | None:
    """The title of the event the list is filtered to, for the filter's label."""
    return session.scalar(select(Event.title).where(Event.id == event_id)) if event_id else None
