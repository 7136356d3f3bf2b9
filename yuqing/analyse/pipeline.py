"""The analysis run: items in publication order, in batches, through every stage.

Stages: duplicates (exact and near, reposts folded onto their originals), places
(and 涉我), topics, sentiment, watch rules, claim candidates. Each batch's results
are written in one transaction by ``yuqing.analyse.results``; a run over a period
replaces that period's results, so it can be re-run or resumed at will.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.analyse.claims import ClaimCandidate
from yuqing.analyse.context import AnalysisContext
from yuqing.analyse.event_store import item_heat, load_active, refresh_all, save_events
from yuqing.analyse.events import WINDOW, EventInput
from yuqing.analyse.item_rows import ALL_STAGES, ItemRow, Key, pending_items, read_page
from yuqing.analyse.results import ItemResult, write_batch
from yuqing.analyse.rules import RuleDocument
from yuqing.analyse.tagging import BatchTags, TagWorker, TextTags, tag_batch
from yuqing.store import figures
from yuqing.store.db import Database
from yuqing.store.models import Item

logger = logging.getLogger(__name__)
__all__ = ["ALL_STAGES", "AnalysisSummary", "ItemRow", "analyse", "pending_items"]

# Copies are looked for among what was published this long before a run's window.
DEDUPE_LOOKBACK = timedelta(days=2)


@dataclass
class AnalysisSummary:
    items: int = 0
    copies: int = 0
    local: int = 0
    rule_hits: int = 0
    claim_candidates: int = 0
    spikes: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # items kept with their tags only

    def add(self, results: list[ItemResult]) -> None:
        self.items += len(results)
        for result in results:
            self.copies += result.duplicate_of is not None
            self.local += result.is_local
            self.rule_hits += len(result.rule_ids)
            self.claim_candidates += len(result.claims)
            if result.topics:
                topic = result.topics[0][0]
                self.by_topic[topic] = self.by_topic.get(topic, 0) + 1


def analyse(
    db: Database,
    context: AnalysisContext,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 2000,
    pending_only: bool = False,
    workers: int = 1,
    on_batch: Callable[[int], None] | None = None,
) -> AnalysisSummary:
    """Analyse the items published in [since, until) — all items when both are None —
    or, with ``pending_only``, those no run has analysed yet (what the schedule does)."""
    summary = AnalysisSummary()
    with db.reading() as session:
        if pending_only and since is None:
            since = session.scalar(select(func.min(Item.published_at)).where(pending_items()))
            if since is None:
                figures.recount(db)  # what changed without analysis (a purge, a correction)
                return summary
        prime_dedupe(session, context, since)
        load_active(session, context.events, since - WINDOW if since else None, until)
    touched: set[int] = set()
    worker = TagWorker(context) if workers > 1 else None
    freezing = gc.get_freeze_count() == 0  # someone else's freeze is theirs to manage
    try:
        for rows, tags in _tagged(context, _batches(db, since, until, batch, pending_only), worker):
            run_batch(db, context, rows, tags, touched, summary)
            if freezing:
                _set_aside_survivors()
            if on_batch is not None:
                on_batch(len(rows))
    finally:
        if freezing:
            gc.unfreeze()  # a later full collection may free what the run let go
        if worker is not None:
            worker.close()
    # Event figures once per run, not per batch: a big event's items are summed once.
    with db.transaction() as session:
        refresh_all(session, touched, context.events)
    figures.recount(db)
    return summary


def _set_aside_survivors() -> None:
    """Free this batch's reference cycles, then exempt what survives from later
    collections until the run ends. What a batch leaves alive is the run's index of
    copies and its events; without this every full collection rescanned all of it,
    a quarter of the CPU time by 300,000 real replies, growing with the stream."""
    gc.collect()  # only what is not yet set aside: about one batch's objects
    gc.freeze()


def _tagged(
    context: AnalysisContext, batches: Iterator[list[ItemRow]], worker: TagWorker | None
) -> Iterator[tuple[list[ItemRow], BatchTags]]:
    """Each batch with its texts' tags; with a worker, the next batch is being tagged
    while the caller works on this one."""
    if worker is None:
        for rows in batches:
            yield rows, tag_batch(context, [row.text_norm for row in rows])
        return
    current = next(batches, None)
    pending = worker.submit([r.text_norm for r in current]) if current else None
    while current is not None and pending is not None:
        following = next(batches, None)
        ahead = worker.submit([r.text_norm for r in following]) if following else None
        yield current, pending.get()
        current, pending = following, ahead


def run_batch(
    db: Database,
    context: AnalysisContext,
    rows: list[ItemRow],
    tagged: BatchTags,
    touched: set[int],
    summary: AnalysisSummary,
    *,
    rules: list[list[int]] | None = None,
    also: Callable[[Session], None] | None = None,
) -> None:
    """Fold a batch's copies, place its items in events and write it all in one
    transaction; ``rules`` are the rules each item matched when a worker already
    matched them, and ``also`` joins more work to the same transaction."""
    results = []
    matched: list[list[int] | None] = list(rules) if rules is not None else [None] * len(rows)
    for row, found, tag, hits in zip(rows, tagged.claims, tagged.tags, matched, strict=True):
        try:
            result = analyse_item(context, row, found, tag, hits)
            context.events.assign(_event_input(row, result))
        except Exception as exc:  # one bad record must not stop the run: kept, reported
            logger.exception("analysis: item %d failed; stored with its tags only", row.id)
            summary.failed.append(f"item {row.id}: {type(exc).__name__}: {exc}")
            result = _tags_only(row, tag)
        results.append(result)
    with db.transaction() as session:
        placed = [row.id for row in rows if row.id in context.events.assigned]
        event_of = save_events(session, context.events, placed)
        touched.update(write_batch(session, results, stages=ALL_STAGES, event_of=event_of))
        touched.update(event_of.values())
        if also is not None:
            also(session)
    summary.add(results)


def analyse_item(
    context: AnalysisContext,
    row: ItemRow,
    candidates: list[ClaimCandidate],
    tags: TextTags,
    rule_ids: list[int] | None = None,
) -> ItemResult:
    match = context.dedupe.add_match(row.id, row.text_norm)
    return ItemResult(
        item_id=row.id,
        heat=item_heat(*row.engagement, row.weight),
        duplicate_of=match.original_id if match else None,
        duplicate_kind=str(match.kind) if match else None,
        places=tags.places,
        is_local=tags.is_local,
        topics=tags.topics,
        sentiment=tags.sentiment,
        sentiment_score=tags.score,
        emotion=tags.emotion,
        rule_ids=matching_rules(context, row, tags) if rule_ids is None else rule_ids,
        claims=[(c.claim_id, c.score) for c in candidates],
        misinfo_risk=tags.misinfo_risk,
    )


def matching_rules(context: AnalysisContext, row: ItemRow, tags: TextTags) -> list[int]:
    """The watch rules an item matches: per text, so a tagging worker can find them."""
    place_names = {name for _c, name, _l in tags.places} | {code for code, _n, _l in tags.places}
    title = (row.title or "").lower()
    document = RuleDocument(
        text=row.text_norm,
        title=title,
        source=row.source,
        places=frozenset(place_names),
        topics=frozenset(topic for topic, _s, _o in tags.topics),
        lang=row.lang,
        outlet=row.outlet,
    )
    return [rule_id for rule_id, rule in context.rules if rule.matches(document)]


def _tags_only(row: ItemRow, tags: TextTags) -> ItemResult:
    """What is kept of an item whose analysis failed: its tags, no copies, rules,
    claims or event — marked analysed, so it is not retried on every run."""
    return ItemResult(
        item_id=row.id,
        heat=item_heat(*row.engagement, row.weight),
        duplicate_of=None,
        duplicate_kind=None,
        places=tags.places,
        is_local=tags.is_local,
        topics=tags.topics,
        sentiment=tags.sentiment,
        sentiment_score=tags.score,
        emotion=tags.emotion,
        rule_ids=[],
        claims=[],
    )


def _event_input(row: ItemRow, result: ItemResult) -> EventInput:
    return EventInput(
        item_id=row.id,
        title=(row.title or "").lower() or None,
        norm_text=row.text_norm,
        published_at=row.published_at,
        places=frozenset(code for code, _name, _level in result.places),
        topic=result.topics[0][0] if result.topics else None,
        duplicate_of=result.duplicate_of,
        pinned_event=row.kept_event,
        display=row.display,
    )


def prime_dedupe(session: Session, context: AnalysisContext, since: datetime | None) -> None:
    """Let copies inside the window find originals published just before it."""
    if since is None:
        return
    rows = session.execute(
        select(Item.id, Item.text_norm)
        .where(Item.published_at >= since - DEDUPE_LOOKBACK, Item.published_at < since)
        .where(Item.duplicate_of_id.is_(None))
        .order_by(Item.published_at, Item.id)
    )
    for item_id, text in rows:
        context.dedupe.add(item_id, text)


def _batches(
    db: Database, since: datetime | None, until: datetime | None, size: int, pending_only: bool
) -> Iterator[list[ItemRow]]:
    """Keyset pages in (published_at, id) order, each read in its own short session."""
    after: Key | None = None
    while True:
        with db.reading() as session:
            rows = read_page(
                session, after=after, size=size, since=since, until=until, pending_only=pending_only
            )
        if not rows:
            return
        yield rows
        after = rows[-1].key
