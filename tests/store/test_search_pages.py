"""Pages by position: after or before an item, the time order reads on exactly as the
OFFSET pages do, with and without a text search, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.errors import QueryError
from yuqing.store.db import Database
from yuqing.store.models import Item
from yuqing.store.search import ItemQuery, search_item_ids
from yuqing.text import matching_form

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


def seed(db: Database, n: int) -> None:
    # Pairs share a publication second, so that ids order the items within it.
    records = [
        RawItem(
            body=f"第{i}条 卡口排队" if i % 3 else f"第{i}条 核酸检测",
            platform_id=f"s{i}",
            published_at=T0 + timedelta(seconds=i // 2),
        )
        for i in range(n)
    ]
    ingest(db, SourceInfo(None, "manual", False, None), records, secret="s" * 32)


def key(db: Database, item_id: int) -> tuple[datetime, int]:
    with db.reading() as session:
        row = session.execute(select(Item.published_at, Item.id).where(Item.id == item_id)).one()
    return row[0], row[1]


@pytest.mark.parametrize("words", ["", "卡口", "卡口 排队"])
def test_pages_by_position_equal_the_offset_pages(db: Database, words: str) -> None:
    seed(db, 45)
    base = ItemQuery(text=matching_form(words), limit=7, since=T0 + timedelta(seconds=1))
    with db.reading() as session:
        everything = search_item_ids(session, replace(base, limit=1000))
    assert everything
    pages, cursor = [], None
    while True:
        query = replace(base, after=key(db, cursor)) if cursor else base
        with db.reading() as session:
            page = search_item_ids(session, query)
        if not page:
            break
        pages.append(page)
        cursor = page[-1]
    assert [i for p in pages for i in p] == everything
    with db.reading() as session:  # and upwards again from the last page
        back = search_item_ids(session, replace(base, before=key(db, pages[-1][0])))
    assert back == pages[-2]


def test_a_page_by_position_needs_the_time_order() -> None:
    with pytest.raises(QueryError):
        ItemQuery(text="卡口", sort="relevance", after=(T0, 1))
