"""The search index at the edge of its id range: PostgreSQL finds items past 2^40;
SQLite finds the last id its rowid can hold and refuses the next one loudly instead
of aliasing another item."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.errors import StorageError
from yuqing.store.db import Database
from yuqing.store.models import Item
from yuqing.store.search import ItemQuery, count_items, search_item_ids
from yuqing.store.search_index import ID_MASK
from yuqing.text import matching_form

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
SOURCE = SourceInfo(None, "manual", False, None)


def add(db: Database, body: str, key: str) -> None:
    record = RawItem(body=body, platform_id=key, published_at=T0)
    ingest(db, SOURCE, [record], secret="s" * 32)


def find(db: Database, words: str) -> list[int]:
    with db.reading() as session:
        return search_item_ids(session, ItemQuery(text=matching_form(words)))


def next_id_at(db: Database, first: int) -> None:
    """Make the next stored item get id ``first``."""
    with db.transaction() as session:
        if db.is_sqlite:  # the next rowid is one past the largest: plant a row there
            add_row = session.execute(select(Item.__table__)).mappings().first()
            assert add_row is not None
            row = dict(add_row) | {"id": first - 1, "ingest_key": "planted", "platform_id": "x"}
            session.execute(insert(Item).values(**row))
        else:
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('items', 'id'), :v, false)"),
                {"v": first},
            )


def test_ids_at_the_edge_of_the_index(db: Database) -> None:
    add(db, "普通的一条", "p0")
    if not db.is_sqlite:  # keyed by the 64-bit id: well past 2^40
        next_id_at(db, 2**40)
        add(db, "卡口排队两公里", "p1")
        add(db, "卡口排队又一条", "p2")
        assert find(db, "卡口排队") == [2**40 + 1, 2**40]
        return
    next_id_at(db, ID_MASK)  # the last id the 63-bit rowid holds beside the second
    add(db, "卡口排队两公里", "p1")
    assert find(db, "卡口排队") == [ID_MASK]
    with pytest.raises(StorageError, match="PostgreSQL") as refused:
        add(db, "卡口排队又一条", "p2")
    assert f"item {ID_MASK + 1} is beyond" in refused.value.message
    assert find(db, "卡口排队") == [ID_MASK]  # nothing aliased, nothing lost silently


@pytest.mark.parametrize("words", ["", "卡口"])
def test_capped_counts_stop_past_the_cap(db: Database, words: str) -> None:
    for i in range(7):
        add(db, f"卡口排队第{i}条", f"c{i}")
    query = ItemQuery(text=matching_form(words))
    with db.reading() as session:
        assert count_items(session, query) == 7
        assert count_items(session, query, cap=3) == 4  # "more than 3"
        assert count_items(session, query, cap=7) == 7
        assert count_items(session, query, cap=100) == 7
