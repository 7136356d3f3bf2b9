"""The triage queue reads one page from the database and counts up to a cap, in the
same order as sorting the whole queue would give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.desk import queue
from yuqing.desk.queue import QueueFilters, triage_queue
from yuqing.store.db import Database
from yuqing.store.models import Item
from yuqing.web.item_page import next_in_queue  # the queue's 下一条, read the same way

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def seed(db: Database, n: int) -> None:
    records = [
        RawItem(
            body=f"第{i}条 卡口排队", platform_id=f"q{i}", published_at=T0 + timedelta(minutes=i)
        )
        for i in range(n)
    ]
    ingest(db, SourceInfo(None, "manual", False, None), records, secret="s" * 32)
    with db.transaction() as session:  # some heat and severities to order by
        session.execute(update(Item).where(Item.id % 7 == 0).values(heat=5.0))
        session.execute(update(Item).where(Item.id % 11 == 0).values(severity="serious"))


def test_pages_follow_the_full_order_and_the_count_caps(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db, 120)
    filters = QueueFilters.parse({"status": "new"})
    with db.reading() as session:
        everything = list(
            session.scalars(queue.queue_statement(filters, 0).order_by(*queue.queue_order()))
        )
        pages = [
            triage_queue(session, QueueFilters.parse({"status": "new", "page": str(p)}), 0)
            for p in (1, 2, 3)
        ]
        assert [p.total for p in pages] == [120, 120, 120] and pages[0].pages == 3
        assert [i.id for p in pages for i in p.items] == [i.id for i in everything]
        assert len(pages[2].items) == 20
        monkeypatch.setattr(queue, "QUEUE_COUNT_CAP", 100)
        capped = triage_queue(session, filters, 0)
        assert capped.total == 100 and capped.pages == 2
        assert capped.items[0].severity == "serious"  # the most severe first


def full_order(db: Database, filters: QueueFilters) -> list[int]:
    """The queue's whole order, sorted by hand from every row (what pages must follow)."""
    with db.reading() as session:
        rows = session.scalars(queue.queue_statement(filters, 0, db.engine.dialect.name)).all()
    rank = {"serious": 0, "major": 1}
    return [
        i.id
        for i in sorted(
            rows,
            key=lambda i: (
                rank.get(i.severity or "", 2),
                -i.heat,
                -i.published_at.timestamp(),
                -i.id,
            ),
        )
    ]


def test_pages_by_position_walk_the_whole_order_both_ways(db: Database) -> None:
    seed(db, 130)
    with db.transaction() as session:  # equal heat and time too, so that ids break ties
        session.execute(update(Item).where(Item.id % 13 == 0).values(severity="major", heat=5.0))
        session.execute(update(Item).where(Item.id % 5 == 0).values(status="in_review"))
    expected = full_order(db, QueueFilters.parse({}))
    with db.reading() as session:
        forward: list[list[int]] = []
        params: dict[str, str] = {}
        while True:
            page = triage_queue(session, QueueFilters.parse(params), 0)
            forward.append([i.id for i in page.items])
            if page.page >= page.pages:
                break
            params = {"after": str(page.last_id), "page": str(page.page + 1)}
        assert [i for p in forward for i in p] == expected
        assert [len(p) for p in forward] == [50, 50, 30]
        # 上一页 from the last page gives back the pages read on the way down.
        back = triage_queue(session, QueueFilters.parse({"before": str(forward[2][0])}), 0)
        assert [i.id for i in back.items] == forward[1] and back.pages >= 2
        # A bare page number (an old link) still lands on the same rows.
        by_number = triage_queue(session, QueueFilters.parse({"page": "2"}), 0)
        assert [i.id for i in by_number.items] == forward[1]


def test_a_tag_narrows_the_queue_in_the_database(db: Database) -> None:
    seed(db, 30)
    with db.transaction() as session:
        session.execute(update(Item).where(Item.id % 3 == 0).values(tags=["待核实", "涉疫"]))
        session.execute(update(Item).where(Item.id % 3 == 1).values(tags=["涉疫"]))
    tagged = QueueFilters.parse({"tag": "待核实"})
    with db.reading() as session:
        page = triage_queue(session, tagged, 0)
        expected = {
            i.id
            for i in session.scalars(queue.queue_statement(QueueFilters(), 0))
            if "待核实" in (i.tags or [])
        }
    assert {i.id for i in page.items} == expected and page.total == 10
    assert [i.id for i in page.items] == full_order(db, tagged)


def test_the_next_item_follows_the_order_and_wraps(db: Database) -> None:
    seed(db, 12)
    filters = QueueFilters.parse({})
    order = full_order(db, filters)
    with db.reading() as session:
        assert next_in_queue(session, filters, order[3], 0) == order[4]
        assert next_in_queue(session, filters, order[-1], 0) == order[0]  # past the end
        assert next_in_queue(session, filters, 0, 0) == order[0]  # not in the queue
