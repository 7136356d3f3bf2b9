"""Analysis shared across workers, on both backends: tags are committed once per
dispatch, a stale or second write adds nothing, an expired chunk is handed out
again, and the fold over stored tags stores exactly what a local run stores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.analyse.conftest import week_copy
from tests.prepared import Prepared
from yuqing.analyse.context import AnalysisContext, build_context
from yuqing.analyse.item_rows import read_rows
from yuqing.analyse.pipeline import ALL_STAGES, analyse
from yuqing.analyse.shared_fold import Sharing, analyse_shared, compute_tags, tag_chunk
from yuqing.analyse.tag_store import (
    Dispatch,
    finish_chunk,
    new_chunks,
    requeue_expired,
    start_chunk,
    waiting_tags,
    write_tags,
)
from yuqing.store.db import Database
from yuqing.store.models import (
    ClaimMatch,
    Item,
    ItemPlace,
    ItemTags,
    ItemTopic,
    RuleHit,
    TagChunk,
)
from yuqing.store.types import utcnow

ITEMS = 300
DEMO_CITY = "990200"


@pytest.fixture
def week(db: Database, prepared: Prepared) -> Database:
    return week_copy(prepared, db, seed=5, items=ITEMS)


def context_of(db: Database) -> AnalysisContext:
    with db.reading() as session:
        return build_context(session, jurisdiction=[DEMO_CITY])


def first_ids(db: Database, n: int) -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(Item.id).order_by(Item.published_at, Item.id).limit(n)))


def stored(db: Database) -> dict[int, tuple[object, ...]]:
    """Everything analysis stored, per item."""
    with db.reading() as session:
        places: dict[int, set[str]] = {}
        for item_id, code in session.execute(select(ItemPlace.item_id, ItemPlace.code)):
            places.setdefault(item_id, set()).add(code)
        topics: dict[int, set[tuple[str, float]]] = {}
        for item_id, topic, score in session.execute(
            select(ItemTopic.item_id, ItemTopic.topic, ItemTopic.score)
        ):
            topics.setdefault(item_id, set()).add((topic, round(score, 6)))
        claims: dict[int, set[tuple[int, float, int]]] = {}
        for item_id, claim_id, score, rank in session.execute(
            select(ClaimMatch.item_id, ClaimMatch.claim_id, ClaimMatch.score, ClaimMatch.rank)
        ):
            claims.setdefault(item_id, set()).add((claim_id, round(score, 6), rank))
        rules: dict[int, set[int]] = {}
        for item_id, rule_id in session.execute(select(RuleHit.item_id, RuleHit.rule_id)):
            rules.setdefault(item_id, set()).add(rule_id)
        rows = session.execute(
            select(
                Item.id,
                Item.topic,
                Item.sentiment,
                Item.sentiment_score,
                Item.emotion,
                Item.is_local,
                Item.misinfo_risk,
                Item.duplicate_of_id,
                Item.event_id,
                Item.analysed_stages,
            )
        ).all()
    return {
        r.id: (
            *r[1:],
            places.get(r.id, set()),
            topics.get(r.id, set()),
            claims.get(r.id, set()),
            rules.get(r.id, set()),
        )
        for r in rows
    }


def test_tags_are_written_once_and_a_second_write_is_only_counted(week: Database) -> None:
    ids = first_ids(week, 3)
    with week.reading() as session:
        rows = read_rows(session, ids)
    found = compute_tags(context_of(week), rows)
    with week.transaction() as session:
        write_tags(session, found)
    other = dict.fromkeys(ids, found[ids[0]])  # different tags for the second write
    with week.transaction() as session:
        write_tags(session, other)
    with week.reading() as session:
        assert waiting_tags(session, ids) == found  # the first write's tags stand
        times = dict(session.execute(select(ItemTags.item_id, ItemTags.times)).all())
    assert times == dict.fromkeys(ids, 2)  # and the second write shows in the count


def test_a_stale_dispatch_writes_nothing_and_an_expired_chunk_is_handed_out_again(
    week: Database,
) -> None:
    ids = first_ids(week, 4)
    with week.transaction() as session:
        (chunk,) = new_chunks(session, ids, 10, 30)
    with week.transaction() as session:
        assert start_chunk(session, chunk.chunk_id, chunk.token, "worker-a", 30) == ids
        assert requeue_expired(session, 30) == []  # renewed a moment ago: not expired
    with week.transaction() as session:  # worker-a went quiet; 31 s later:
        (again,) = requeue_expired(session, 30, now=utcnow() + timedelta(seconds=31))
    assert again.chunk_id == chunk.chunk_id and again.token != chunk.token
    assert again.attempts == 2 and again.taken  # taken, then silent: a dead worker
    with week.reading() as session:
        found = compute_tags(context_of(week), read_rows(session, ids))
    with week.transaction() as session:
        assert start_chunk(session, chunk.chunk_id, chunk.token, "worker-a", 30) is None
        assert not finish_chunk(session, chunk.chunk_id, chunk.token, found)  # worker-a, late
    with week.reading() as session:
        assert session.scalar(select(func.count()).select_from(ItemTags)) == 0
    with week.transaction() as session:
        assert finish_chunk(session, again.chunk_id, again.token, found)
        assert not finish_chunk(session, again.chunk_id, again.token, found)  # done already
    with week.reading() as session:
        assert set(session.scalars(select(ItemTags.times))) == {1}
        done = session.get(TagChunk, chunk.chunk_id)
        assert done is not None and done.done_at is not None


def test_the_shared_fold_stores_what_a_local_run_stores(week: Database) -> None:
    analyse(week, context_of(week), batch=100)
    local = stored(week)
    assert len(local) == ITEMS
    assert any(v[-1] for v in local.values()) and any(v[-2] for v in local.values())
    with week.transaction() as session:
        session.execute(update(Item).values(analysed_stages=0))
    worker = context_of(week)  # a worker's own context, as in another process
    dispatched: list[Dispatch] = []

    def enqueue(d: Dispatch) -> None:
        dispatched.append(d)
        tag_chunk(week, worker, d.chunk_id, d.token, worker="worker-1", seconds=30)

    sharing = Sharing(enqueue=enqueue, chunk_items=40, in_flight=3)
    summary = analyse_shared(week, context_of(week), sharing, batch=100)
    assert summary.items == ITEMS
    assert len(dispatched) == -(-ITEMS // 40)  # each item handed out once
    shared = stored(week)
    assert shared == local
    with week.reading() as session:
        tags = session.execute(select(ItemTags.times, ItemTags.tags)).all()
    assert len(tags) == ITEMS and all(t == (1, None) for t in tags)  # once each, consumed


def test_chunks_nobody_tags_are_tagged_by_the_fold(week: Database) -> None:
    """No worker anywhere: each chunk waits out its time in the queue untaken, and
    the fold tags it itself — the run still finishes."""
    lost: list[Dispatch] = []
    sharing = Sharing(enqueue=lost.append, chunk_items=100, queue_seconds=0.05, poll_seconds=0.05)
    summary = analyse_shared(week, context_of(week), sharing, batch=100)
    assert summary.items == ITEMS and len(lost) == 3
    with week.reading() as session:
        assert set(session.scalars(select(Item.analysed_stages))) == {ALL_STAGES}
        assert set(session.scalars(select(ItemTags.times))) == {1}
        workers = set(session.scalars(select(TagChunk.worker)))
        assert session.scalar(select(func.count()).select_from(ItemTags)) == ITEMS
    assert workers == {"fold"}


def test_an_item_arriving_late_is_handed_out_and_folded(week: Database) -> None:
    """An item published before what was already handed out, stored mid-run, is not
    left waiting: the fold hands it out when it reaches it."""
    ids = first_ids(week, ITEMS)
    late = ids[10]
    with week.transaction() as session:  # as if it were stored only now
        session.execute(update(Item).where(Item.id != late).values(analysed_stages=0))
        session.execute(update(Item).where(Item.id == late).values(analysed_stages=ALL_STAGES))
    worker = context_of(week)
    calls = 0

    def enqueue(d: Dispatch) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the first chunk is handed out; now the late item lands
            with week.transaction() as session:
                session.execute(update(Item).where(Item.id == late).values(analysed_stages=0))
        tag_chunk(week, worker, d.chunk_id, d.token, worker="worker-1", seconds=30)

    sharing = Sharing(enqueue=enqueue, chunk_items=50, in_flight=8)
    summary = analyse_shared(week, context_of(week), sharing, batch=100)
    assert summary.items == ITEMS
    with week.reading() as session:
        assert set(session.scalars(select(Item.analysed_stages))) == {ALL_STAGES}
