"""Writing what analysis found, one batch per transaction. Re-running a batch
replaces its results, except the decisions analysts made (confirmed or rejected
claim matches, pinned events), which are kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from yuqing.store.models import ClaimMatch, Item, ItemPlace, ItemTopic, RuleHit
from yuqing.store.types import utcnow

ANALYST = "analyst"


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    heat: float
    duplicate_of: int | None
    duplicate_kind: str | None
    places: list[tuple[str, str, str]]  # code, name, level
    is_local: bool
    topics: list[tuple[str, float, str]]  # topic, score, origin (seed or model)
    sentiment: str
    sentiment_score: float
    emotion: str
    rule_ids: list[int]
    claims: list[tuple[int, float]]  # claim id, score
    misinfo_risk: float | None = None  # a triage hint from a trained model, never a verdict


def write_batch(
    session: Session,
    results: Sequence[ItemResult],
    *,
    stages: int,
    event_of: Mapping[int, int] | None = None,
) -> set[int]:
    """Store a batch's results (and, given ``event_of``, each item's event); returns the
    events the items were in before, whose figures change too."""
    if not results:
        return set()
    ids = [r.item_id for r in results]
    # What each item was a copy of before this write, so copy counts move by the difference.
    before: dict[int, int | None] = {}
    previous_events: set[int] = set()
    for item_id, original, event_id in session.execute(
        select(Item.id, Item.duplicate_of_id, Item.event_id).where(Item.id.in_(ids))
    ):
        if original is not None:
            before[item_id] = original
        if event_id is not None:
            previous_events.add(event_id)
    session.execute(update(Item), [_item_row(r, stages, event_of) for r in results])
    for table in (ItemPlace, RuleHit):
        session.execute(delete(table).where(table.item_id.in_(ids)))
    # An analyst's topics (origin "analyst") stand: a re-run neither removes nor adds to them.
    session.execute(
        delete(ItemTopic).where(ItemTopic.item_id.in_(ids), ItemTopic.origin != ANALYST)
    )
    corrected = set(
        session.scalars(
            select(ItemTopic.item_id).where(ItemTopic.item_id.in_(ids), ItemTopic.origin == ANALYST)
        )
    )
    session.execute(
        delete(ClaimMatch).where(ClaimMatch.item_id.in_(ids), ClaimMatch.status == "candidate")
    )
    _insert(
        session,
        ItemPlace,
        [
            {"item_id": r.item_id, "code": code, "name": name, "level": level}
            for r in results
            for code, name, level in dict.fromkeys(r.places)
        ],
    )
    _insert(
        session,
        ItemTopic,
        [
            {"item_id": r.item_id, "topic": topic, "score": score, "origin": origin}
            for r in results
            if r.item_id not in corrected
            for topic, score, origin in r.topics
        ],
    )
    now = utcnow()
    _insert(
        session,
        RuleHit,
        [
            {"rule_id": rule_id, "item_id": r.item_id, "matched_at": now}
            for r in results
            for rule_id in r.rule_ids
        ],
    )
    _claim_candidates(session, results)
    _move_copy_counts(session, before, results)
    return previous_events


def _item_row(r: ItemResult, stages: int, event_of: Mapping[int, int] | None) -> dict[str, object]:
    row: dict[str, object] = {
        "id": r.item_id,
        "duplicate_of_id": r.duplicate_of,
        "duplicate_kind": r.duplicate_kind,
        "is_local": r.is_local,
        "topic": r.topics[0][0] if r.topics else None,
        "sentiment": r.sentiment,
        "sentiment_score": r.sentiment_score,
        "emotion": r.emotion,
        "misinfo_risk": r.misinfo_risk,
        "analysed_stages": stages,
        "heat": r.heat,
    }
    if event_of is not None:
        row["event_id"] = event_of.get(r.item_id)  # none for an item whose analysis failed
    return row


def _insert(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def _claim_candidates(session: Session, results: Sequence[ItemResult]) -> None:
    """New candidates, leaving pairs an analyst already decided on alone."""
    ids = [r.item_id for r in results]
    decided = {
        (item_id, claim_id)
        for item_id, claim_id in session.execute(
            select(ClaimMatch.item_id, ClaimMatch.claim_id).where(ClaimMatch.item_id.in_(ids))
        )
    }
    _insert(
        session,
        ClaimMatch,
        [
            {"item_id": r.item_id, "claim_id": claim_id, "score": score, "rank": rank}
            for r in results
            for rank, (claim_id, score) in enumerate(r.claims, start=1)
            if (r.item_id, claim_id) not in decided
        ],
    )


def _move_copy_counts(
    session: Session, before: dict[int, int | None], results: Sequence[ItemResult]
) -> None:
    """Originals' copy counts change by this batch's difference — never a recount, which
    would grow with the size of a much-copied original's cluster."""
    delta: Counter[int] = Counter()
    for result in results:
        old, new = before.get(result.item_id), result.duplicate_of
        if old == new:
            continue
        if old is not None:
            delta[old] -= 1
        if new is not None:
            delta[new] += 1
    changes = [{"original": k, "by": n} for k, n in delta.items() if n]
    if changes:
        items = Item.__table__
        assert isinstance(items, Table)
        # Core, not the ORM: the ORM reads a list of rows as an update by primary key.
        session.connection().execute(
            update(items)
            .where(items.c.id == bindparam("original"))
            .values(copy_count=items.c.copy_count + bindparam("by")),
            changes,
        )
