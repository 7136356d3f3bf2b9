"""The triage queue: which items (or events) need judgement, filtered as a saved view describes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import Session

from yuqing.desk.queue_keyset import SEVERITY_RANK, key_of, read_slice
from yuqing.errors import BadInput
from yuqing.store.models import ClaimMatch, Event, Item, ItemStatus, RuleHit, Source, WatchRule
from yuqing.text import matching_form

OPEN_STATUSES = (ItemStatus.NEW.value, ItemStatus.IN_REVIEW.value)
FLAGS = {"rule": "命中规则", "claim": "疑似谣言", "privacy": "个人信息泄露线索"}
KINDS = {"item": "信息", "event": "事件"}
PER_PAGE = 50
QUEUE_COUNT_CAP = 10_000  # the queue counts its items up to here (a page costs the same)
_EVENT_SEVERITY_ORDER = case(
    (Event.severity == "serious", 0), (Event.severity == "major", 1), else_=2
)


@dataclass
class QueueFilters:
    """The queue's filters; their query string is what a saved view stores. Events
    (``kind="event"``) have status, severity and a title to search, no tags or flags."""

    kind: str = "item"
    statuses: list[str] = field(default_factory=lambda: list(OPEN_STATUSES))
    severity: str = ""
    tag: str = ""
    flag: str = ""
    mine: bool = False
    q: str = ""
    page: int = 1
    after: int = 0  # the item the page starts after (下一页), or ends before (上一页)
    before: int = 0

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> QueueFilters:
        """From request parameters (a multi-dict's ``getlist`` for status, if it has one)."""
        getlist = getattr(params, "getlist", None)
        raw = getlist("status") if getlist else params.get("status", [])
        statuses = [s for s in ([raw] if isinstance(raw, str) else raw) if s]
        kind = str(params.get("kind", "") or "item")
        if kind not in KINDS:
            raise BadInput(f"未知的队列类别：{kind}")
        flag = str(params.get("flag", "") or "")
        if flag and flag not in FLAGS:
            raise BadInput(f"未知的筛选项：{flag}")
        page, after, before = (_number(params, key, low) for key, low in PAGING)
        return cls(
            kind=kind,
            statuses=statuses or list(OPEN_STATUSES),
            severity=str(params.get("severity", "") or ""),
            tag=str(params.get("tag", "") or "").strip(),
            flag=flag,
            mine=str(params.get("mine", "")) in ("1", "true", "on"),
            q=str(params.get("q", "") or "").strip(),
            page=page,
            after=after,
            before=before,
        )

    def query_string(self) -> str:
        """The filters (not the page) as a query string."""
        pairs: list[tuple[str, str]] = [("kind", self.kind)] if self.kind != "item" else []
        pairs += [("status", s) for s in self.statuses]
        for key in ("severity", "tag", "flag", "q"):
            if value := getattr(self, key):
                pairs.append((key, value))
        if self.mine:
            pairs.append(("mine", "1"))
        return urlencode(pairs)


PAGING = (("page", 1), ("after", 0), ("before", 0))


def _number(params: Mapping[str, Any], key: str, low: int) -> int:
    try:
        return max(int(params.get(key, low) or low), low)
    except ValueError as exc:
        raise BadInput(f"页码应为数字：{params.get(key)}") from exc


@dataclass(frozen=True)
class RowReasons:
    """Why a row stands where it does: its rules, a suspected rumour, its source."""

    rules: list[str]
    rumour: bool
    source: str


@dataclass
class QueuePage:
    items: list[Item]
    total: int
    page: int
    pages: int
    events: list[Event] = field(default_factory=list)  # the page, when the queue is of events
    reasons: dict[int, RowReasons] = field(default_factory=dict)
    capped: bool = False  # the count stopped at QUEUE_COUNT_CAP: there are more

    @property
    def first_id(self) -> int:
        return self.items[0].id if self.items else 0

    @property
    def last_id(self) -> int:
        return self.items[-1].id if self.items else 0


def queue_statement(filters: QueueFilters, user_id: int, dialect: str = "sqlite") -> Select[Item]:
    """Originals only (copies are judged with their original), in the chosen statuses."""
    stmt = select(Item).where(Item.duplicate_of_id.is_(None), Item.status.in_(filters.statuses))
    if filters.severity:
        stmt = stmt.where(Item.severity == filters.severity)
    if filters.mine:
        stmt = stmt.where(Item.assignee_id == user_id)
    if filters.q:
        stmt = stmt.where(Item.text_norm.contains(matching_form(filters.q), autoescape=True))
    if filters.flag == "rule":
        stmt = stmt.where(exists().where(RuleHit.item_id == Item.id))
    elif filters.flag == "claim":
        stmt = stmt.where(
            exists().where(ClaimMatch.item_id == Item.id, ClaimMatch.status != "rejected")
        )
    elif filters.flag == "privacy":
        stmt = stmt.where(Item.privacy_lead.is_(True))
    if filters.tag:
        stmt = stmt.where(_has_tag(filters.tag, dialect))
    return stmt


def _has_tag(tag: str, dialect: str) -> ColumnElement[bool]:
    """The tag in an item's JSON list, in SQL, so that a page never reads the whole queue."""
    if dialect == "postgresql":
        return Item.tags.op("@>")(func.jsonb_build_array(tag))
    each = func.json_each(Item.tags).table_valued("value")
    return exists(select(each.c.value).where(each.c.value == tag))


def queue_order() -> tuple[Any, ...]:
    """Most severe first, then the hottest, then the newest (then the later id)."""
    return (SEVERITY_RANK, Item.heat.desc(), Item.published_at.desc(), Item.id.desc())


def triage_queue(session: Session, filters: QueueFilters, user_id: int) -> QueuePage:
    """One page of the queue: most severe first, then the hottest, then the newest."""
    if filters.kind == "event":
        return event_queue(session, filters, user_id)
    dialect = session.get_bind().dialect.name
    page_items, more = _page_items(session, filters, user_id, dialect)
    total = _capped_count(session, queue_statement(filters, user_id, dialect))
    capped = total > QUEUE_COUNT_CAP
    total = min(total, QUEUE_COUNT_CAP)
    pages = max(1, -(-total // PER_PAGE), filters.page + (1 if more else 0))
    return QueuePage(
        page_items,
        total,
        filters.page,
        pages,
        reasons=row_reasons(session, page_items),
        capped=capped,
    )


def _page_items(
    session: Session, filters: QueueFilters, user_id: int, dialect: str
) -> tuple[list[Item], bool]:
    """The page's items and whether a next page follows. After or before an item the
    page is read from its position; a bare page number walks down from the top."""
    cursor = filters.after or filters.before
    key = key_of(session, cursor) if cursor else None
    found = read_slice(
        session,
        lambda: queue_statement(filters, user_id, dialect),
        filters.statuses,
        after=key if filters.after else None,
        before=key if filters.before else None,
        skip=0 if key else (filters.page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    rows = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(found.ids)))}
    # Read backwards, "more" is about earlier pages; the cursor's own page follows.
    more = found.more if not (key and filters.before) else True
    return [rows[i] for i in found.ids if i in rows], more


def _capped_count(session: Session, stmt: Select[Item]) -> int:
    """Up to QUEUE_COUNT_CAP + 1: one more than the cap says "more than"."""
    limited = stmt.with_only_columns(Item.id).limit(QUEUE_COUNT_CAP + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(limited)) or 0)


def event_queue(session: Session, filters: QueueFilters, user_id: int) -> QueuePage:
    """Events still standing (not merged into another) in the chosen statuses."""
    where: list[ColumnElement[bool]] = [
        Event.merged_into_id.is_(None),
        Event.status.in_(filters.statuses),
    ]
    if filters.severity:
        where.append(Event.severity == filters.severity)
    if filters.mine:
        where.append(Event.locked_by_id == user_id)
    if filters.q:
        where.append(Event.title.contains(filters.q.strip(), autoescape=True))
    total = session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    events = session.scalars(
        select(Event)
        .where(*where)
        .order_by(_EVENT_SEVERITY_ORDER, Event.heat.desc(), Event.last_seen.desc(), Event.id)
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    ).all()
    pages = max(1, -(-total // PER_PAGE))
    return QueuePage([], total, filters.page, pages, events=list(events))


def count_open(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.duplicate_of_id.is_(None), Item.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def row_reasons(session: Session, items: list[Item]) -> dict[int, RowReasons]:
    """For one page of the queue: the rules each item hit, whether it matches a claim."""
    ids = [item.id for item in items]
    rules: dict[int, list[str]] = {}
    for item_id, name in session.execute(
        select(RuleHit.item_id, WatchRule.name)
        .join(WatchRule, WatchRule.id == RuleHit.rule_id)
        .where(RuleHit.item_id.in_(ids))
        .order_by(WatchRule.name)
    ):
        rules.setdefault(item_id, []).append(name)
    rumours = set(
        session.scalars(
            select(ClaimMatch.item_id).where(
                ClaimMatch.item_id.in_(ids), ClaimMatch.status != "rejected"
            )
        )
    )
    sources = dict(
        session.execute(
            select(Item.id, Source.name)
            .join(Source, Source.id == Item.source_id)
            .where(Item.id.in_(ids))
        ).all()
    )
    return {
        i: RowReasons(rules.get(i, []), i in rumours, sources.get(i) or "手工录入") for i in ids
    }
