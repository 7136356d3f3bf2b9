"""Analysis shared across machines: the per-text stages on any number of workers,
the sequential fold in one place.

Places, topics, polarity, emotion, misinformation risk, claim candidates and watch
rules depend on one text alone, so any worker may compute them (``tag_chunk``). The
fold — duplicates and events, which depend on everything before an item — stays
with the one process holding the analysis lease (``analyse_shared``): it hands out
chunks of pending items, consumes in publication order the items whose tags are
back, and writes each batch's results with the consumption of its tags in one
transaction. A chunk whose worker died (silent for ``chunk_seconds``) is handed out
again; one that no worker takes from the queue within ``queue_seconds`` (none is
running), or that was lost ``max_attempts`` times, the fold tags itself — so the
run finishes whatever happens to the workers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.analyse.context import AnalysisContext
from yuqing.analyse.event_store import load_active, refresh_all
from yuqing.analyse.events import WINDOW
from yuqing.analyse.item_rows import (
    ItemRow,
    Key,
    after_key,
    pending_items,
    read_rows,
)
from yuqing.analyse.pipeline import AnalysisSummary, matching_rules, prime_dedupe, run_batch
from yuqing.analyse.tag_store import (
    Dispatch,
    StoredTags,
    consume_tags,
    finish_chunk,
    forget_old_chunks,
    new_chunks,
    open_chunks,
    renew_chunk,
    requeue_expired,
    start_chunk,
    waiting_tags,
)
from yuqing.analyse.tagging import BatchTags, tag_batch
from yuqing.store import figures
from yuqing.store.db import Database
from yuqing.store.leases import Heartbeat
from yuqing.store.models import Item, ItemTags

logger = logging.getLogger(__name__)


def tag_chunk(
    db: Database,
    context: AnalysisContext | Callable[[], AnalysisContext],
    chunk_id: int,
    token: str,
    *,
    worker: str,
    seconds: float,
    guard: AbstractContextManager[object] | None = None,
) -> int:
    """Tag one handed-out chunk and write its items' tags; returns how many were
    written (0 when the dispatch was stale or lost to a newer one meanwhile).
    ``context`` may be a function that makes it, called once the chunk is ours (a
    worker's first context takes a while to build); ``guard`` (a lock, say) is held
    while the taggers run."""
    with db.transaction() as session:
        ids = start_chunk(session, chunk_id, token, worker, seconds)
    if ids is None:
        logger.info("tagging: chunk %d is done or handed out again; skipped", chunk_id)
        return 0
    beat = Heartbeat(db, lambda s: renew_chunk(s, chunk_id, token, seconds), max(seconds / 3, 0.5))
    with beat:
        with db.reading() as session:
            rows = read_rows(session, ids)
        ready = context if isinstance(context, AnalysisContext) else context()
        if guard is None:
            found = compute_tags(ready, rows)
        else:
            with guard:
                found = compute_tags(ready, rows)
        if beat.lost:
            return 0
        with db.transaction() as session:
            written = finish_chunk(session, chunk_id, token, found)
    return len(found) if written else 0


def compute_tags(context: AnalysisContext, rows: list[ItemRow]) -> dict[int, StoredTags]:
    """The per-text results of these items, by item id."""
    batch = tag_batch(context, [row.text_norm for row in rows])
    return {
        row.id: StoredTags(tags, claims, matching_rules(context, row, tags))
        for row, tags, claims in zip(rows, batch.tags, batch.claims, strict=True)
    }


@dataclass(frozen=True)
class Sharing:
    """How the fold hands out work."""

    enqueue: Callable[[Dispatch], object]  # queue the task that runs ``tag_chunk``
    worker: str = "fold"  # the fold's name when it tags a chunk itself
    chunk_items: int = 500
    chunk_seconds: float = 60.0  # a taken chunk's lease, renewed while a worker tags it
    queue_seconds: float = 300.0  # how long a chunk may wait for a worker to take it
    in_flight: int = 8  # chunks handed out and not done, at most
    max_attempts: int = 3  # dispatches before the fold tags a chunk itself
    poll_seconds: float = 0.2
    tag_here: Callable[[Dispatch], object] | None = None  # the fold's own tagging


def analyse_shared(
    db: Database,
    context: AnalysisContext,
    sharing: Sharing,
    *,
    batch: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> AnalysisSummary:
    """Analyse every pending item with the per-text stages done by workers."""
    summary = AnalysisSummary()
    with db.transaction() as session:
        forget_old_chunks(session)
    with db.reading() as session:
        since = session.scalar(select(func.min(Item.published_at)).where(pending_items()))
        if since is None:
            figures.recount(db)  # what changed without analysis (a purge, a correction)
            return summary
        prime_dedupe(session, context, since)
        load_active(session, context.events, since - WINDOW, None)
    touched: set[int] = set()
    fold = _Fold(db, context, sharing, batch)
    while True:
        if on_batch is not None:
            on_batch(0)  # a chance to stop between passes (a lost lease)
        fold.hand_out()
        consumed = fold.consume(touched, summary)
        if consumed and on_batch is not None:
            on_batch(consumed)
        if consumed:
            continue
        if not fold.more:
            break
        time.sleep(sharing.poll_seconds)
    with db.transaction() as session:
        refresh_all(session, touched, context.events)
    figures.recount(db)
    return summary


class _Fold:
    """One run's cursors: what has been consumed, and what has been handed out."""

    def __init__(
        self, db: Database, context: AnalysisContext, sharing: Sharing, batch: int
    ) -> None:
        self.db, self.context, self.sharing, self.batch = db, context, sharing, batch
        self.consumed_to: Key | None = None
        self.handed_to: Key | None = None
        self.ahead = 0  # items handed out by this run and not consumed yet
        self.more = True
        self.held: set[int] = set()  # items in open chunks, as of the last hand-out

    def hand_out(self) -> None:
        s = self.sharing
        with self.db.transaction() as session:
            again = requeue_expired(session, s.queue_seconds)
            busy = open_chunks(session)
            self.held = {item_id for ids in busy.values() for item_id in ids}
            room = (s.in_flight - len(busy)) * s.chunk_items
            room = min(room, 2 * s.in_flight * s.chunk_items - self.ahead)
            fresh = self._new(session, room) if room > 0 else []
        for dispatch in again:
            if not dispatch.taken:
                logger.warning("tagging: no worker took chunk %d; tagged here", dispatch.chunk_id)
                self._tag_here(dispatch)
            elif dispatch.attempts > s.max_attempts:
                logger.warning(
                    "tagging: chunk %d lost %d times; tagged here",
                    dispatch.chunk_id,
                    dispatch.attempts - 1,
                )
                self._tag_here(dispatch)
            else:
                logger.info(
                    "tagging: chunk %d's worker fell silent; handed out again", dispatch.chunk_id
                )
                s.enqueue(dispatch)
        for dispatch in fresh:
            s.enqueue(dispatch)

    def _new(self, session: Session, room: int) -> list[Dispatch]:
        """Chunks of the next pending items no chunk holds and no tags wait for."""
        query = (
            select(Item.id, Item.published_at, ItemTags.tags.is_not(None))
            .outerjoin(ItemTags, ItemTags.item_id == Item.id)
            .where(pending_items())
            .order_by(Item.published_at, Item.id)
            .limit(room)
        )
        page = session.execute(after_key(query, self.handed_to or self.consumed_to)).all()
        if not page:
            return []
        self.handed_to = (page[-1][1], page[-1][0])
        ids = [item_id for item_id, _at, tagged in page if not tagged and item_id not in self.held]
        self.held.update(ids)
        self.ahead += len(ids)
        return new_chunks(session, ids, self.sharing.chunk_items, self.sharing.queue_seconds)

    def _tag_here(self, dispatch: Dispatch) -> None:
        if self.sharing.tag_here is not None:
            self.sharing.tag_here(dispatch)
            return
        tag_chunk(
            self.db,
            self.context,
            dispatch.chunk_id,
            dispatch.token,
            worker=self.sharing.worker,
            seconds=self.sharing.chunk_seconds,
        )

    def consume(self, touched: set[int], summary: AnalysisSummary) -> int:
        """Fold the next items in order whose tags are back; returns how many."""
        with self.db.reading() as session:
            ready = self._ready(session)
            if not ready:
                return 0
            rows = read_rows(session, ready)
            found = waiting_tags(session, ready)
        stored = [found[row.id] for row in rows]
        run_batch(
            self.db,
            self.context,
            rows,
            BatchTags([s.tags for s in stored], [s.claims for s in stored]),
            touched,
            summary,
            rules=[s.rule_ids for s in stored],
            also=lambda session: consume_tags(session, ready),
        )
        self.consumed_to = rows[-1].key
        self.ahead = max(0, self.ahead - len(rows))
        if self.handed_to is not None and self.handed_to < self.consumed_to:
            self.handed_to = None
        return len(rows)

    def _ready(self, session: Session) -> list[int]:
        """The ids of the next pending items, in order, up to the first whose tags
        are not back — ids and a flag only, as the fold asks this while it waits."""
        query = (
            select(Item.id, ItemTags.tags.is_not(None))
            .outerjoin(ItemTags, ItemTags.item_id == Item.id)
            .where(pending_items())
            .order_by(Item.published_at, Item.id)
            .limit(self.batch)
        )
        page = session.execute(after_key(query, self.consumed_to)).all()
        self.more = bool(page)
        ready = []
        for item_id, tagged in page:
            if not tagged:
                if item_id not in self.held:
                    self._straggler()
                break
            ready.append(item_id)
        return ready

    def _straggler(self) -> None:
        """The fold waits for an item no chunk holds — one that arrived late, published
        before what was already handed out: hand out from the fold's place again
        (what is held or tagged already is passed over)."""
        self.handed_to = None
