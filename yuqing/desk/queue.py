"""The triage queue: which items (or events) need judgement, filtered as a saved view describes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.store.models import ClaimMatch, Event, Item, ItemStatus, RuleHit, Source, WatchRule
from yuqing.text import matching_form

OPEN_STATUSES = (ItemStatus.NEW.value, ItemStatus.IN_REVIEW.value)
FLAGS = {"rule": "命中规则", "claim": "疑似谣言", "privacy": "个人信息泄露线索"}
KINDS = {"item": "信息", "event": "事件"}
PER_PAGE = 50
_SEVERITY_ORDER = case((Item.severity == "serious", 0), (Item.severity == "major", 1), else_=2)
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
        try:
            page = max(int(params.get("page", 1) or 1), 1)
        except ValueError as exc:
            raise BadInput(f"页码应为数字：{params.get('page')}") from exc
        return cls(
            kind=kind,
            statuses=statuses or list(OPEN_STATUSES),
            severity=str(params.get("severity", "") or ""),
            tag=str(params.get("tag", "") or "").strip(),
            flag=flag,
            mine=str(params.get("mine", "")) in ("1", "true", "on"),
            q=str(params.get("q", "") or "").strip(),
            page=page,
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


def queue_statement(filters: QueueFilters, user_id: int) -> Select[Item]:
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
    return stmt


def queue_order() -> tuple[Any, ...]:
    """Most severe first, then the hottest, then the newest."""
    return (_SEVERITY_ORDER, Item.heat.desc(), Item.published_at.desc(), Item.id)


def triage_queue(session: Session, filters: QueueFilters, user_id: int) -> QueuePage:
    """One page of the queue: most severe first, then the hottest, then the newest."""
    if filters.kind == "event":
        return event_queue(session, filters, user_id)
    stmt = queue_statement(filters, user_id)
    items = list(session.scalars(stmt.order_by(*queue_order())))
    if filters.tag:
        # Tags live in a JSON list; the queue is small enough to filter them here.
        items = [i for i in items if filters.tag in (i.tags or [])]
    total = len(items)
    start = (filters.page - 1) * PER_PAGE
    pages = max(1, -(-total // PER_PAGE))
    shown = items[start : start + PER_PAGE]
    return QueuePage(shown, total, filters.page, pages, reasons=row_reasons(session, shown))


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
