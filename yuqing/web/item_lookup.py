"""The item list's search box: plain words through the full-text index, or the watch
rules' language (``口罩 AND (涨价 OR 加价) -辟谣``, ``place:昆都仑区``) through the rule
matcher, with the words to mark in the results and a parse error's position."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.rules import Rule
from yuqing.desk.rule_search import SCAN_LIMIT, is_rule, rule_matches
from yuqing.errors import QueryError
from yuqing.store.models import Item
from yuqing.web.highlight import marks_for
from yuqing.web.item_search import ItemFilters, ItemPage, find_items


@dataclass
class Lookup:
    result: ItemPage
    marks: list[str] = field(default_factory=list)
    as_rule: bool = False
    error: str = ""  # the rule's parse error, with a pointer to the place
    error_at: int | None = None
    scanned: int = 0
    capped: bool = False


def look_up(session: Session, filters: ItemFilters, tz: ZoneInfo) -> Lookup:
    if not is_rule(filters.q):
        result = find_items(session, filters.to_query(session, tz), filters.page)
        return Lookup(result, marks_for(filters.q))
    try:
        rule = Rule.parse(filters.q)
    except QueryError as exc:
        empty = ItemPage([], 0, 1, 1)
        return Lookup(empty, [], True, exc.message, exc.position)
    # The rule matcher pages by number over its own bounded scan.
    base = replace(filters, q="", after_id=None, before_id=None).to_query(session, tz)
    found = rule_matches(session, rule, base)
    start = base.offset
    page_ids = found.ids[start : start + base.limit]
    rows = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(page_ids)))}
    pages = max(1, -(-len(found.ids) // base.limit))
    result = ItemPage([rows[i] for i in page_ids if i in rows], len(found.ids), filters.page, pages)
    return Lookup(
        result, marks_for("", rule.terms()), True, scanned=found.scanned, capped=found.capped
    )


__all__ = ["SCAN_LIMIT", "Lookup", "look_up"]
