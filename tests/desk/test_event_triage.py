"""Events are judged like items: the lock, status, severity, notes, the queue, audit."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.desk.conftest import T0, World
from yuqing.desk import triage
from yuqing.desk.queue import QueueFilters, triage_queue
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import AuditEntry, Event, Item


def add_event(world: World, title: str, *, heat: float = 1.0, **fields: object) -> int:
    with world.db.transaction() as session:
        event = Event(title=title, first_seen=T0, last_seen=T0, heat=heat, **fields)
        session.add(event)
        session.flush()
        return event.id


def test_two_analysts_racing_for_one_event_never_both_get_it(world: World) -> None:
    event = add_event(world, "某小区封控传言")
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def race(user_id: int) -> None:
        barrier.wait()
        try:
            with world.db.transaction() as session:
                triage.take_lock(session, event, user_id, kind="event")
            outcomes[user_id] = "won"
        except Conflict as exc:
            outcomes[user_id] = exc.message

    threads = [threading.Thread(target=race, args=(u,)) for u in (world.analyst, world.analyst2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "won" for o in outcomes.values()) == [False, True]
    loser = next(o for o in outcomes.values() if o != "won")
    assert loser.startswith(f"事件 {event} 正由")


def test_a_locked_event_is_changed_by_its_holder_only_and_every_change_is_audited(
    world: World,
) -> None:
    event = add_event(world, "口罩价格上涨")
    with world.db.transaction() as session:
        triage.take_lock(session, event, world.analyst, kind="event")
    with world.db.transaction() as session:
        with pytest.raises(Conflict, match="正由 analyst 研判"):
            triage.set_status(session, [event], "verified", world.analyst2, kind="event")
        with pytest.raises(Conflict):
            triage.add_note(session, event, "我来看看", world.analyst2, kind="event")
    with world.db.transaction() as session:
        assert triage.set_status(session, [event], "in_review", world.analyst, kind="event") == 1
        assert triage.set_severity(session, [event], "major", world.analyst, kind="event") == 1
        triage.add_note(session, event, "已请卫健委核实", world.analyst, kind="event")
        # a note on the event is not a note on an item with the same number
        triage.add_note(session, world.items[0], "条目备注", world.analyst)
        assert triage.release_lock(session, event, world.analyst, kind="event")
    with world.db.transaction() as session:
        assert triage.set_status(session, [event], "verified", world.analyst2, kind="event") == 1
    with world.db.reading() as session:
        stored = session.get(Event, event)
        assert stored is not None
        assert (stored.status, stored.severity, stored.locked_by_id) == ("verified", "major", None)
        assert [n.body for n, _ in triage.notes(session, event, kind="event")] == ["已请卫健委核实"]
        item = session.get(Item, world.items[0])
        assert item is not None and item.status == "new"  # the item was not touched
        trail = session.execute(
            select(AuditEntry.action, AuditEntry.user_id)
            .where(AuditEntry.object_type == "event", AuditEntry.object_id == str(event))
            .order_by(AuditEntry.id)
        ).all()
    assert [a for a, _ in trail] == [
        "event.lock",
        "event.status",
        "event.severity",
        "event.note",
        "event.unlock",
        "event.status",
    ]
    assert trail[-1].user_id == world.analyst2


def test_the_event_queue_lists_standing_events_by_severity_then_heat(world: World) -> None:
    cold = add_event(world, "冷门事件", heat=1)
    hot = add_event(world, "热门事件", heat=50)
    serious = add_event(world, "严重事件", heat=2, severity="serious")
    add_event(world, "已并入的事件", heat=99, merged_into_id=hot)
    done = add_event(world, "已办结事件", heat=80, status="closed")
    with world.db.reading() as session:
        queue = triage_queue(session, QueueFilters.parse({"kind": "event"}), world.analyst)
        assert [e.id for e in queue.events] == [serious, hot, cold]
        assert queue.items == [] and queue.total == 3
        closed = QueueFilters.parse({"kind": "event", "status": "closed"})
        assert [e.id for e in triage_queue(session, closed, world.analyst).events] == [done]
        found = QueueFilters.parse({"kind": "event", "q": "热门"})
        assert [e.id for e in triage_queue(session, found, world.analyst).events] == [hot]
    assert QueueFilters.parse({"kind": "event"}).query_string().startswith("kind=event")
    with pytest.raises(BadInput, match="未知的队列类别"):
        QueueFilters.parse({"kind": "person"})


def test_bad_event_changes_are_refused_with_the_reason(world: World) -> None:
    with world.db.transaction() as session:
        with pytest.raises(NotFound, match="事件 999999 不存在"):
            triage.take_lock(session, 999999, world.analyst, kind="event")
        with pytest.raises(NotFound, match="事件 999999"):
            triage.set_status(session, [999999], "verified", world.analyst, kind="event")
        with pytest.raises(BadInput, match="至少选择一个事件"):
            triage.set_status(session, [], "verified", world.analyst, kind="event")
