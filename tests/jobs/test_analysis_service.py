"""Scheduled analysis as a service: one fold at a time across processes (the lease),
each periodic task once a minute however many schedulers run, a warm context that
reloads only what changed, a bad unit skipped, alerted and logged, the pending
items served by their partial index."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from huey import MemoryHuey
from sqlalchemy import func, select, text, update

from yuqing.analyse.pipeline import ALL_STAGES, analyse, pending_items
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.config import Settings, load_settings
from yuqing.jobs.queue import ANALYSIS_LEASE, Jobs
from yuqing.network.people import add_unit
from yuqing.store import leases
from yuqing.store.db import Database
from yuqing.store.models import Alert, Item, Source, WatchRule

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, secret_key="q" * 32)


def seed(db: Database, n: int = 30) -> None:
    with db.transaction() as session:
        session.add(Source(name="青岚日报", kind="rss"))
    with db.reading() as session:
        info = SourceInfo.of(session.scalars(select(Source)).one())
    records = [
        RawItem(
            body=f"第{i}条 昆都仑区核酸检测点排队很长，市民反映等了两个小时",
            title=f"排队{i}",
            url=f"https://news.example/{i}",
            published_at=T0 + timedelta(minutes=i),
        )
        for i in range(n)
    ]
    ingest(db, info, records, secret="q" * 32)


def pending(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).where(pending_items())) or 0)


def test_leases_one_holder_at_a_time(db: Database) -> None:
    now = datetime.now(UTC)
    with db.transaction() as session:
        assert leases.take(session, "fold", "a", 60, now)
        assert not leases.take(session, "fold", "b", 60, now)  # a holds it
        assert leases.take(session, "fold", "a", 60, now)  # a again: renewed
        assert leases.take(session, "fold", "b", 60, now + timedelta(seconds=61))  # expired
        assert not leases.renew(session, "fold", "a", 60)  # a lost it to b
        assert leases.renew(session, "fold", "b", 60)
        leases.release(session, "fold", "a")  # not a's to release: stays b's
        assert not leases.take(session, "fold", "c", 60)
        leases.release(session, "fold", "b")
        assert leases.take(session, "fold", "c", 60)


def test_a_held_lease_skips_the_run_then_the_next_one_analyses(
    db: Database, settings: Settings
) -> None:
    seed(db)
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    with db.transaction() as session:
        assert leases.take(session, ANALYSIS_LEASE, "other-machine:1", 60)
    assert jobs.analyse_now() == 0
    assert pending(db) == 30
    with db.transaction() as session:
        leases.release(session, ANALYSIS_LEASE, "other-machine:1")
    assert jobs.analyse_now() == 30
    assert pending(db) == 0
    with db.reading() as session:  # released after the run
        assert leases.current(session, ANALYSIS_LEASE) is None


def test_concurrent_runs_fold_each_item_once(db: Database, settings: Settings) -> None:
    seed(db, 60)
    counts: list[int] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))  # a process of its own
        barrier.wait()
        counts.append(jobs.analyse_now())

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 60 and pending(db) == 0
    assert sorted(counts)[-1] == 60  # one fold did them all; the others were turned away


def test_each_periodic_task_runs_once_a_minute_across_schedulers(
    sqlite_db: Database, settings: Settings
) -> None:
    first = Jobs(settings, sqlite_db, huey=MemoryHuey(immediate=True))
    second = Jobs(settings, sqlite_db, huey=MemoryHuey(immediate=True))
    claims = [first.claim_minute("schedule_tick"), second.claim_minute("schedule_tick")]
    assert claims == [True, False]
    assert second.claim_minute("duties")  # another task claims its own minute


def test_only_the_scheduler_consumer_enqueues_periodic_tasks(
    sqlite_db: Database, settings: Settings
) -> None:
    jobs = Jobs(settings, sqlite_db, huey=MemoryHuey())
    assert jobs.consumer(scheduler=True).periodic is True
    assert jobs.consumer(scheduler=False).periodic is False


def test_a_unit_the_gazetteer_refuses_is_skipped_alerted_and_logged(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    seed(db)
    with db.transaction() as session:
        city = add_unit(session, "青岚市", "city", code="990100")
        add_unit(session, "青岚区", "district", parent=city, code="QL-01")
        add_unit(session, "新城区", "district", parent=city, code="990105")
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    with caplog.at_level(logging.WARNING):
        assert jobs.analyse_now() == 30  # the schedule goes on
    assert pending(db) == 0
    assert any("QL-01" in r.getMessage() for r in caplog.records)
    with db.reading() as session:
        alerts = session.scalars(select(Alert).where(Alert.kind == "analysis_problem")).all()
    assert len(alerts) == 1 and "QL-01" in alerts[0].title
    # The good units are in: a text naming 新城区 is placed there.
    with db.reading() as session:
        context = jobs.warm.context(session)
    assert context.places.gazetteer.get("990105") is not None
    assert context.places.gazetteer.get("QL-01") is None


def test_the_context_stays_warm_and_reloads_only_what_changed(
    db: Database, settings: Settings
) -> None:
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    with db.reading() as session:
        first = jobs.warm.context(session)
        assert set(jobs.warm.reloaded) == {"units", "rules", "claims", "models"}
        second = jobs.warm.context(session)
    assert jobs.warm.reloaded == []
    assert second.places is first.places and second.topics is first.topics
    assert second.dedupe is not first.dedupe  # each run folds duplicates afresh
    with db.transaction() as session:
        session.add(WatchRule(name="排队", query="排队"))
    with db.reading() as session:
        third = jobs.warm.context(session)
    assert jobs.warm.reloaded == ["rules"]
    assert third.places is first.places and len(third.rules) == 1


def test_pending_items_are_read_through_the_partial_index(db: Database) -> None:
    # As in a live desk: most items analysed, a few pending. With fresh statistics the
    # planner's choice then depends on the data, not on what earlier tests left behind.
    seed(db, 80)
    with db.transaction() as session:
        analysed = session.scalars(select(Item.id).order_by(Item.id).limit(75)).all()
        session.execute(
            update(Item).where(Item.id.in_(analysed)).values(analysed_stages=ALL_STAGES)
        )
        session.execute(text("ANALYZE items"))
    query = select(func.min(Item.published_at)).where(pending_items())
    with db.reading() as session:
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        if db.is_sqlite:
            plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = session.execute(text(f"EXPLAIN {compiled}")).all()
    assert "ix_items_pending" in " ".join(str(row) for row in plan)
    assert str(ALL_STAGES) in str(compiled)


class _BreaksOn:
    """A rule that fails on one text: stands in for whatever bug a record may hit
    (fault injection at the rule boundary; the pipeline itself runs for real)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def matches(self, document: object) -> bool:
        if self.marker in getattr(document, "text", ""):
            raise ValueError("a record this rule cannot read")
        return False


def test_a_record_whose_analysis_fails_is_kept_logged_and_the_run_goes_on(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    seed(db, 10)
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    with db.reading() as session:
        context = jobs.warm.context(session)
        bad_id = session.scalar(select(Item.id).where(Item.title == "排队3"))
    context.rules.append((0, _BreaksOn("第3条")))  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR):
        summary = analyse(db, context, pending_only=True)
    assert summary.items == 10 and pending(db) == 0  # nothing left to retry each minute
    assert summary.failed == [f"item {bad_id}: ValueError: a record this rule cannot read"]
    assert any(f"item {bad_id} failed" in r.getMessage() for r in caplog.records)
    with db.reading() as session:
        kept = session.get(Item, bad_id)
        assert kept is not None and kept.topic is not None  # its tags were stored
