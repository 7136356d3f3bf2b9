"""Items stored before ingest pseudonymised accounts get them rewritten, index included."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from yuqing.collect.backfill import pseudonymise_stored_accounts
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.keys import ingest_key
from yuqing.collect.records import RawItem
from yuqing.store.db import Database
from yuqing.store.models import Item, Source
from yuqing.store.search import ItemQuery, search_item_ids
from yuqing.store.search_index import IndexRow, index_items, unindex_items
from yuqing.text import matching_form, pseudonymise

SECRET = "b" * 32
T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def stored_in_clear(db: Database, body: str) -> int:
    """An item as an earlier version stored it: the account's name in its text."""
    with db.transaction() as session:
        session.add(Source(name="微博导出", kind="file"))
    with db.reading() as session:
        info = SourceInfo.of(session.scalars(select(Source)).one())
    ingest(db, info, [RawItem(body="占位", published_at=T0)], secret=SECRET)
    with db.transaction() as session:
        item = session.scalars(select(Item)).one()
        unindex_items(session, [IndexRow(item.id, item.published_at, item.text_norm)])
        session.execute(
            update(Item)
            .where(Item.id == item.id)
            .values(text_original=body, text_norm=matching_form(body))
        )
        index_items(session, [IndexRow(item.id, item.published_at, matching_form(body))])
        return item.id


def found(db: Database, words: str) -> list[int]:
    with db.reading() as session:
        return search_item_ids(session, ItemQuery(text=matching_form(words)))


def test_the_backfill_rewrites_names_and_the_index_and_is_idempotent(db: Database) -> None:
    item_id = stored_in_clear(db, "排队两小时//@江边的猫:核酸检测点人太多")
    assert found(db, "江边的猫") == [item_id]

    report = pseudonymise_stored_accounts(db, SECRET)

    assert (report.read, report.rewritten) == (1, 1)
    alias = pseudonymise("江边的猫", SECRET, platform="file")
    with db.reading() as session:
        item = session.get(Item, item_id)
        assert item is not None
        assert item.text_original == f"排队两小时//@{alias}:核酸检测点人太多"
        assert item.text_norm == matching_form(item.text_original)
        assert item.ingest_key == ingest_key(
            source_id=item.source_id, url=None, platform_id=None, digest=item.content_hash
        )
    assert found(db, "江边的猫") == []  # the name is gone from the index too
    assert found(db, "核酸检测点") == [item_id]
    assert pseudonymise_stored_accounts(db, SECRET).rewritten == 0
