"""The whole analysis run over the demo week, on both backends: duplicates folded,
places and 涉我, topics, sentiment, rule hits and claim candidates stored — and a
second run over the same period changes nothing."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.analyse.conftest import week_copy
from tests.prepared import Prepared
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.demo.rumours import STORYLINES
from yuqing.store.db import Database
from yuqing.store.models import Claim, ClaimMatch, Item, ItemPlace, ItemTopic, RuleHit, WatchRule

ITEMS = 800
DEMO_CITY = "990200"


def run(db: Database, **window: object) -> object:
    with db.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    return analyse(db, context, batch=300, **window)  # type: ignore[arg-type]


def table_counts(db: Database) -> dict[str, int]:
    with db.reading() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (ItemPlace, ItemTopic, RuleHit, ClaimMatch)
        }


@pytest.fixture
def week(db: Database, prepared: Prepared) -> Database:
    return week_copy(prepared, db, seed=3, items=ITEMS)


def test_the_week_is_analysed_and_a_rerun_changes_nothing(week: Database) -> None:
    summary = run(week)
    assert summary.items == ITEMS  # type: ignore[attr-defined]
    with week.reading() as session:
        items = session.scalars(select(Item)).all()
        truth = {i.id: i.meta["demo"] for i in items}
        copies = [
            i
            for i in items
            if truth[i.id]["copy_of"] is not None or truth[i.id]["repost_of"] is not None
        ]
        folded = [i for i in copies if i.duplicate_of_id is not None]
        assert len(folded) >= 0.8 * len(copies), (len(folded), len(copies))
        assert all(i.analysed_stages for i in items)
        assert all(i.sentiment in ("positive", "negative", "neutral") for i in items)
        # every item naming the district is about our area
        kdl = [i for i in items if "昆都仑" in i.text_norm]
        assert kdl and all(i.is_local for i in kdl)
        # topics from the seed taxonomy
        assert Counter(i.topic for i in items if i.topic).most_common(1)[0][1] > ITEMS * 0.05
        # rule hits really contain the rule's words
        rule_id = session.scalar(select(WatchRule.id).where(WatchRule.name == "口罩涨价"))
        hit_items = session.scalars(
            select(Item).join(RuleHit).where(RuleHit.rule_id == rule_id)
        ).all()
        assert hit_items and all("口罩" in i.text_norm for i in hit_items)
        # rumour posts get their storyline's claim among the candidates
        claim_of = {c.text: c.id for c in session.scalars(select(Claim))}
        labels = {s.key: s.label for s in STORYLINES}
        rumours = [i for i in items if truth[i.id]["rumour"]]
        matched = 0
        for item in rumours:
            expected = claim_of[labels[str(truth[item.id]["rumour"])]]
            candidates = session.scalars(
                select(ClaimMatch.claim_id).where(ClaimMatch.item_id == item.id)
            )
            matched += expected in set(candidates)
        assert rumours and matched >= 0.6 * len(rumours), (matched, len(rumours))
        copy_counts = sum(i.copy_count for i in items)
        assert copy_counts == sum(1 for i in items if i.duplicate_of_id is not None)

    before = table_counts(week)
    run(week)
    assert table_counts(week) == before


def test_a_period_rerun_finds_originals_before_it(week: Database) -> None:
    run(week)
    with week.reading() as session:
        copy = session.scalars(
            select(Item).where(Item.duplicate_of_id.is_not(None)).order_by(Item.published_at.desc())
        ).first()
        assert copy is not None
        original_id = copy.duplicate_of_id
    since = copy.published_at - timedelta(minutes=1)
    run(week, since=since)
    with week.reading() as session:
        again = session.get(Item, copy.id)
        assert again is not None and again.duplicate_of_id == original_id


def test_pending_only_analyses_what_no_run_has(week: Database) -> None:
    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    first = analyse(week, context, pending_only=True)
    assert first.items == ITEMS
    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    assert analyse(week, context, pending_only=True).items == 0


def test_events_form_and_a_rerun_keeps_them(week: Database) -> None:
    from yuqing.store.models import Event

    run(week)
    with week.reading() as session:
        events = session.scalars(select(Event)).all()
        items = session.scalars(select(Item)).all()
        assert all(i.event_id is not None for i in items)
        assert 0 < len(events) < ITEMS / 2  # items gather into events
        assert sum(e.item_count for e in events) == ITEMS
        assert all(e.first_seen <= e.last_seen and e.heat > 0 for e in events)
        # a copy is always in its original's event
        by_id = {i.id: i for i in items}
        assert all(
            by_id[i.duplicate_of_id].event_id == i.event_id for i in items if i.duplicate_of_id
        )
        # one storyline's rumour posts mostly share an event
        rumour = [i for i in items if i.meta["demo"]["rumour"] == "r01-liquor"]
        if len(rumour) >= 4:
            top = Counter(i.event_id for i in rumour).most_common(1)[0][1]
            assert top >= len(rumour) / 2
        before = {(e.id, e.item_count) for e in events}
    run(week)
    with week.reading() as session:
        assert {(e.id, e.item_count) for e in session.scalars(select(Event))} == before


def test_merges_and_splits_survive_later_runs(week: Database) -> None:
    from yuqing.analyse.event_edits import merge_events, split_event
    from yuqing.errors import BadInput
    from yuqing.store.models import Event

    run(week)
    with week.transaction() as session:
        big, other = session.scalars(select(Event).order_by(Event.item_count.desc()).limit(2)).all()
        moved = session.scalars(select(Item.id).where(Item.event_id == other.id)).all()
        merge_events(session, other.id, big.id, None)
        members = session.scalars(
            select(Item.id).where(Item.event_id == big.id).order_by(Item.id)
        ).all()
        split_off = list(members[:2])
        new = split_event(session, big.id, split_off, "拆分出的事件", None)
        new_id, big_id, other_id = new.id, big.id, other.id
        with pytest.raises(BadInput):
            merge_events(session, big_id, big_id, None)
    run(week)
    with week.reading() as session:
        assert set(session.scalars(select(Item.id).where(Item.event_id == new_id))) == set(
            split_off
        )
        stayed = set(session.scalars(select(Item.id).where(Item.event_id == big_id)))
        assert set(moved) - set(split_off) <= stayed
        merged = session.get(Event, other_id)
        assert merged is not None and merged.merged_into_id == big_id
        assert not session.scalars(select(Item.id).where(Item.event_id == other_id)).all()


def test_a_tagging_worker_gives_the_same_results(week: Database) -> None:
    """workers=2 tags texts in a forked process; what is stored must not change."""
    from yuqing.store.models import Event

    def stored() -> tuple[object, ...]:
        with week.reading() as session:
            items = session.execute(
                select(
                    Item.id, Item.topic, Item.sentiment, Item.is_local, Item.duplicate_of_id
                ).order_by(Item.id)
            ).all()
            return (
                tuple(items),
                table_counts(week),
                session.scalar(select(func.count()).select_from(Event)),
            )

    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    analyse(week, context, batch=200)
    alone = stored()
    with week.transaction() as session:
        session.execute(update(Item).values(analysed_stages=0))
    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    summary = analyse(week, context, batch=200, workers=2)
    assert summary.items == ITEMS
    assert stored() == alone


def test_survivors_are_set_aside_during_a_run_and_released_after(week: Database) -> None:
    seen: list[int] = []
    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    analyse(week, context, batch=300, on_batch=lambda _n: seen.append(gc.get_freeze_count()))
    assert len(seen) == 3 and all(count > 0 for count in seen)  # set aside batch by batch
    assert gc.get_freeze_count() == 0  # released: a later full collection sees them again


def test_a_freeze_made_by_the_caller_is_left_alone(week: Database) -> None:
    with week.reading() as session:
        context = build_context(session, jurisdiction=[DEMO_CITY])
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        analyse(week, context, batch=300)
        # Not released, and none of the run's own objects set aside (some of the
        # caller's may have been freed meanwhile).
        assert 0 < gc.get_freeze_count() <= before
    finally:
        gc.unfreeze()
