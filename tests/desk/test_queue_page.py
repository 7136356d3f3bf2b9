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
