"""Triage: the lock two analysts race for, statuses, bulk actions, tags, notes, views, audit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.datastructures import QueryParams

from tests.desk.conftest import World
from yuqing.desk import triage, views
from yuqing.desk.queue import QueueFilters, triage_queue
from yuqing.errors import BadInput, Conflict
from yuqing.store.models import AuditEntry, Item
from yuqing.store.types import utcnow


def test_two_analysts_racing_for_one_item_never_both_get_it(world: World) -> None:
    item = world.items[0]
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def race(user_id: int) -> None:
        barrier.wait()
        try:
            with world.db.transaction() as session:
                triage.take_lock(session, item, user_id)
            outcomes[user_id] = "won"
        except Conflict as exc:
            outcomes[user_id] = exc.message

    threads = [threading.Thread(target=race, args=(u,)) for u in (world.analyst, world.analyst2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "won" for o in outcomes.values()) == [False, True]
    loser_message = next(o for o in outcomes.values() if o != "won")
    assert "正由" in loser_message and str(item) in loser_message
    winner = next(u for u, o in outcomes.items() if o == "won")
    with world.db.reading() as session:
        assert session.get(Item, item).locked_by_id == winner  # type: ignore[union-attr]


def test_a_lock_is_renewed_by_its_holder_and_free_once_expired(world: World) -> None:
    item = world.items[0]
    now = utcnow()
    with world.db.transaction() as session:
        triage.take_lock(session, item, world.analyst, now)
        triage.take_lock(session, item, world.analyst, now + timedelta(minutes=5))
    with world.db.transaction() as session, pytest.raises(Conflict):
        triage.take_lock(session, item, world.analyst2, now + timedelta(minutes=10))
    with world.db.transaction() as session:
        later = now + timedelta(minutes=5 + triage.LOCK_MINUTES + 1)
        assert triage.take_lock(session, item, world.analyst2, later).user_id == world.analyst2


def test_nobody_else_changes_an_item_while_it_is_locked(world: World) -> None:
    item = world.items[0]
    with world.db.transaction() as session:
        triage.take_lock(session, item, world.analyst)
    with world.db.transaction() as session, pytest.raises(Conflict):
        triage.set_status(session, [item], "verified", world.analyst2)
    with world.db.transaction() as session:
        assert triage.release_lock(session, item, world.analyst)
        assert triage.set_status(session, [item], "verified", world.analyst2) == 1


def test_bulk_actions_change_each_item_once_and_audit_each(world: World) -> None:
    with world.db.transaction() as session:
        assert triage.set_status(session, world.items, "in_review", world.analyst) == 3
        assert triage.set_status(session, world.items, "in_review", world.analyst) == 0
        assert triage.set_severity(session, world.items[:2], "major", world.analyst) == 2
        assert triage.assign(session, world.items, world.analyst2, world.analyst) == 3
        assert triage.tag(session, world.items, "待核实", world.analyst) == 3
        assert triage.tag(session, world.items[:1], "待核实", world.analyst, remove=True) == 1
    with world.db.reading() as session:
        rows = session.scalars(select(Item).order_by(Item.id)).all()
        assert [i.status for i in rows] == ["in_review"] * 3
        assert [i.severity for i in rows] == ["major", "major", None]
        assert [i.tags for i in rows] == [[], ["待核实"], ["待核实"]]
        actions = session.execute(
            select(AuditEntry.action, AuditEntry.user_id, AuditEntry.object_id)
        ).all()
    assert sum(a == "item.status" for a, _, _ in actions) == 3
    assert {u for _, u, _ in actions} == {world.analyst}
    assert ("item.untag", world.analyst, str(world.items[0])) in actions


def test_bad_values_are_refused_with_the_reason(world: World) -> None:
    with world.db.transaction() as session:
        with pytest.raises(BadInput, match="未知的研判状态"):
            triage.set_status(session, world.items, "done", world.analyst)
        with pytest.raises(BadInput, match="至少选择"):
            triage.set_status(session, [], "verified", world.analyst)
        with pytest.raises(BadInput, match="备注"):
            triage.add_note(session, world.items[0], "  ", world.analyst)


def test_notes_and_the_queue_filters(world: World) -> None:
    with world.db.transaction() as session:
        triage.add_note(session, world.items[1], "已联系市场监管核实", world.analyst)
        triage.set_status(session, [world.items[2]], "not_relevant", world.analyst)
    with world.db.reading() as session:
        assert [n.body for n, _ in triage.notes(session, world.items[1])] == ["已联系市场监管核实"]
        queue = triage_queue(session, QueueFilters(), world.analyst)
        assert {i.id for i in queue.items} == set(world.items[:2])
        claims = triage_queue(session, QueueFilters.parse({"flag": "claim"}), world.analyst)
        assert [i.id for i in claims.items] == [world.items[0]]
        closed = QueueFilters.parse({"status": "not_relevant"})
        assert [i.id for i in triage_queue(session, closed, world.analyst).items] == [
            world.items[2]
        ]


def test_saved_views_keep_a_named_filter_per_person(world: World) -> None:
    filters = QueueFilters.parse({"flag": "claim", "severity": "major"})
    with world.db.transaction() as session:
        views.save_view(session, world.analyst, "谣言线索", filters.query_string())
        with pytest.raises(Conflict):
            views.save_view(session, world.analyst, "谣言线索", "")
        views.save_view(session, world.analyst2, "谣言线索", "")
    with world.db.reading() as session:
        (mine,) = views.my_views(session, world.analyst)
    assert QueueFilters.parse(QueryParams(mine.query)) == filters
