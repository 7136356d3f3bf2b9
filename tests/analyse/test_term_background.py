"""The key terms' background, counted ahead by the scheduled analysis and read by pages:
stored when missing, recounted only when stale with newer items, and a page that finds
none counts it itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from huey import MemoryHuey
from sqlalchemy import delete, select

from yuqing.analyse.keyterms import Background
from yuqing.analyse.term_background import (
    REFRESH_SECONDS,
    refresh_background,
    sample_background,
    stored_at,
    stored_background,
)
from yuqing.config import load_settings
from yuqing.desk.event_views import forget_background, stream_background, terms_of
from yuqing.jobs.queue import Jobs
from yuqing.store.db import Database
from yuqing.store.models import Item, TermBackground
from yuqing.text import matching_form

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
TEXTS = ("布洛芬一盒卖到六十元", "核酸检测点排队很长", "菜价涨了不少", "公交恢复运营")


def add(db: Database, n: int, text: str, copy_of: int | None = None) -> int:
    with db.transaction() as session:
        item = Item(
            ingest_key=f"tb{n}",
            content_hash=f"tbh{n}",
            text_original=text,
            text_norm=matching_form(text),
            published_at=T0 + timedelta(minutes=n),
            collected_at=T0 + timedelta(minutes=n),
            duplicate_of_id=copy_of,
        )
        session.add(item)
        session.flush()
        return item.id


def stored(db: Database) -> Background | None:
    with db.reading() as session:
        return stored_background(session)


def test_counted_when_missing_then_only_when_stale_with_newer_items(db: Database) -> None:
    first = add(db, 0, TEXTS[0])
    add(db, 1, TEXTS[0], copy_of=first)  # copies are not in the sample
    for n, text in enumerate(TEXTS[1:], start=2):
        add(db, n, text)
    assert refresh_background(db, T0)
    with db.reading() as session:
        counted = sample_background(session)
    background = stored(db)
    assert background is not None and background.docs == counted.docs == len(TEXTS)
    assert background.counts == counted.counts and background.counts["布洛芬"] == 1
    later = T0 + timedelta(seconds=REFRESH_SECONDS + 1)
    assert not refresh_background(db, T0 + timedelta(minutes=5))  # fresh
    assert not refresh_background(db, later)  # stale, but nothing newer
    add(db, 9, "布洛芬又涨价了")
    assert not refresh_background(db, T0 + timedelta(minutes=5))  # newer, but fresh
    assert refresh_background(db, later)
    background = stored(db)
    assert background is not None and background.docs == len(TEXTS) + 1
    assert background.counts["布洛芬"] == 2
    with db.reading() as session:
        assert stored_at(session) == later


def test_an_empty_stream_stores_nothing(db: Database) -> None:
    assert not refresh_background(db, T0)
    assert stored(db) is None


def test_pages_read_the_stored_count_and_count_one_only_without_it(db: Database) -> None:
    forget_background()
    for n, text in enumerate((*TEXTS, "布洛芬涨价了")):
        add(db, n, text)
    # A stored count that says 布洛芬 is everywhere: the page must weigh against it.
    with db.transaction() as session:
        session.add(
            TermBackground(
                name="stream",
                computed_at=T0,
                newest_item_id=None,
                docs=500,
                counts={"布洛芬": 500},
            )
        )
    with db.reading() as session:
        assert stream_background(session).docs == 500
        terms = terms_of(session, [Item.text_norm.contains("布洛芬")], [], originals_only=False)
        assert [t.background for t in terms if t.term == "布洛芬"] == [500]
    with db.transaction() as session:  # counted again: the new count is read
        row = session.get(TermBackground, "stream")
        assert row is not None
        row.computed_at, row.docs = T0 + timedelta(hours=1), 700
    with db.reading() as session:
        assert stream_background(session).docs == 700
    with db.transaction() as session:
        session.execute(delete(TermBackground))
    with db.reading() as session:  # none stored: this page counts the stream itself
        background = stream_background(session)
        assert background.docs == len(TEXTS) + 1
        assert background.counts == sample_background(session).counts


def test_the_scheduled_fold_counts_it(db: Database, tmp_path: Path) -> None:
    for n, text in enumerate(TEXTS):
        add(db, n, text)
    settings = load_settings(data_dir=tmp_path, secret_key="q" * 32)
    jobs = Jobs(settings, db, huey=MemoryHuey(immediate=True))
    assert jobs.analyse_now() == len(TEXTS)
    with db.reading() as session:
        row = session.scalars(select(TermBackground)).one()
        assert row.docs == len(TEXTS) and row.counts["核酸"] == 1
