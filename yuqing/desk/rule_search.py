"""Watch rules against stored items: the search box's rule language, and a rule's
live preview before it is saved. The rule is the analysis's own (parse and match),
applied to the items the other filters leave, newest first, up to SCAN_LIMIT."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.rules import Rule, RuleDocument
from yuqing.store.models import Item, ItemPlace, ItemTopic, Source
from yuqing.store.search import ItemQuery, search_item_ids

SCAN_LIMIT = 20_000
_PAGE = 1000
_CHUNK = 500
# Operators, grouping, quotes, a leading minus, or a field: what plain words never have.
_RULE_SYNTAX = re.compile(
    r"\b(AND|OR|NOT|NEAR(/\d+)?)\b|[()（）\"“”&|｜]|(^|\s)[-－]\S|\b(source|place|topic|lang|outlet|title)[:：]"
)


def is_rule(query: str) -> bool:
    """Whether the search box was given the rule language rather than plain words."""
    return bool(_RULE_SYNTAX.search(query))


@dataclass(frozen=True)
class RuleMatches:
    ids: list[int]  # newest first
    scanned: int
    capped: bool  # more items passed the filters than were scanned


def candidate_ids(session: Session, base: ItemQuery, limit: int = SCAN_LIMIT) -> list[int]:
    """Items the other filters leave (no text), newest first, up to ``limit``."""
    ids: list[int] = []
    query = replace(base, text="", sort="time", limit=_PAGE, offset=0)
    while len(ids) < limit:
        chunk = search_item_ids(session, query)
        ids += chunk
        if len(chunk) < _PAGE:
            break
        query = replace(query, offset=query.offset + _PAGE)
    return ids[:limit]


def matching(session: Session, rule: Rule, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` the rule matches, in the order given."""
    needed = rule.prefilter_terms()
    hits = {item_id for item_id, doc in _documents(session, ids, needed) if rule.matches(doc)}
    return [i for i in ids if i in hits]


def rule_matches(
    session: Session, rule: Rule, base: ItemQuery, limit: int = SCAN_LIMIT
) -> RuleMatches:
    ids = candidate_ids(session, base, limit + 1)
    capped = len(ids) > limit
    ids = ids[:limit]
    return RuleMatches(matching(session, rule, ids), len(ids), capped)


def _documents(
    session: Session, ids: Sequence[int], needed: list[str] | None
) -> Iterator[tuple[int, RuleDocument]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = session.execute(
            select(
                Item.id,
                Item.text_norm,
                Item.title,
                Item.lang,
                Source.name,
                Source.is_public_outlet,
            )
            .outerjoin(Source, Source.id == Item.source_id)
            .where(Item.id.in_(chunk))
        ).all()
        # Only items holding a word every match needs are worth the places and topics.
        rows = [r for r in rows if needed is None or _holds(r.text_norm, r.title, needed)]
        if not rows:
            continue
        kept = [r.id for r in rows]
        places: dict[int, set[str]] = {}
        for item_id, code, name in session.execute(
            select(ItemPlace.item_id, ItemPlace.code, ItemPlace.name).where(
                ItemPlace.item_id.in_(kept)
            )
        ):
            places.setdefault(item_id, set()).update((code, name))
        topics: dict[int, set[str]] = {}
        for item_id, topic in session.execute(
            select(ItemTopic.item_id, ItemTopic.topic).where(ItemTopic.item_id.in_(kept))
        ):
            topics.setdefault(item_id, set()).add(topic)
        for r in rows:
            yield (
                r.id,
                RuleDocument(
                    text=r.text_norm,
                    title=(r.title or "").lower(),
                    source=r.name or "",
                    places=frozenset(places.get(r.id, ())),
                    topics=frozenset(topics.get(r.id, ())),
                    lang=r.lang,
                    outlet=bool(r.is_public_outlet),
                ),
            )


def _holds(text: str, title: str | None, needed: list[str]) -> bool:
    lowered = (title or "").lower()
    for term in needed:
        parts = term.split(" ")
        if all(p in text for p in parts) or all(p in lowered for p in parts):
            return True
    return False
