"""Keeping the search index in step with items, on SQLite and PostgreSQL.

The grams are ``yuqing.store.search_grams``'; querying is ``yuqing.store.search``.
On SQLite the index is a contentless FTS5 table whose rowid packs the publication
second and the item id (``search_key``); on PostgreSQL a ``tsvector`` keyed by the
item id beside the publication time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from yuqing.errors import StorageError
from yuqing.store.search_grams import gram_tokens, pg_tsvector
from yuqing.store.types import UTCDateTime

ID_BITS = 30
ID_MASK = (1 << ID_BITS) - 1


def search_key(published_at: datetime, item_id: int) -> int:
    """The FTS5 rowid of an item: publication second in the high bits, id in the low.

    SQLite's rowid has 63 bits: 33 for the second (to the year 2242) leave 30 for the
    id. An id beyond them is refused loudly — it would alias another item — with the
    way on: PostgreSQL's index is keyed by the full 64-bit id.
    """
    if not 0 <= item_id <= ID_MASK:
        raise StorageError(
            f"item {item_id} is beyond the SQLite search index's {ID_MASK:,} item ids; "
            "a database this large belongs on PostgreSQL (database_url), whose index has "
            "no such limit"
        )
    seconds = max(0, int(published_at.timestamp()))
    return (seconds << ID_BITS) | item_id


@dataclass(frozen=True)
class IndexRow:
    item_id: int
    published_at: datetime
    text_norm: str


def index_items(session: Session, rows: Iterable[IndexRow]) -> int:
    """Add items to the search index; returns how many."""
    batch = list(rows)
    if not batch:
        return 0
    if backend(session) == "sqlite":
        session.execute(
            text("INSERT INTO item_search(rowid, grams) VALUES (:key, :grams)"),
            [
                {
                    "key": search_key(r.published_at, r.item_id),
                    "grams": " ".join(gram_tokens(r.text_norm)),
                }
                for r in batch
            ],
        )
    else:
        session.execute(
            text(
                "INSERT INTO item_search(item_id, published_at, tsv) "
                "VALUES (:id, :published, CAST(:tsv AS tsvector)) "
                "ON CONFLICT (item_id) DO UPDATE SET published_at = EXCLUDED.published_at, "
                "tsv = EXCLUDED.tsv"
            ),
            [
                {"id": r.item_id, "published": r.published_at, "tsv": pg_tsvector(r.text_norm)}
                for r in batch
            ],
        )
    return len(batch)


def unindex_items(session: Session, rows: Iterable[IndexRow]) -> None:
    """Remove items from the index. On SQLite the rows must carry the text and time
    that were indexed (a contentless FTS5 table forgets a row by being told it)."""
    batch = list(rows)
    if not batch:
        return
    if backend(session) == "sqlite":
        session.execute(
            text(
                "INSERT INTO item_search(item_search, rowid, grams) VALUES ('delete', :key, :grams)"
            ),
            [
                {
                    "key": search_key(r.published_at, r.item_id),
                    "grams": " ".join(gram_tokens(r.text_norm)),
                }
                for r in batch
            ],
        )
    else:
        session.execute(
            text("DELETE FROM item_search WHERE item_id = :id"), [{"id": r.item_id} for r in batch]
        )


# Only the columns the index is built from, so that migrations may call rebuild_index
# whatever other columns later versions add to items.
_INDEXED = sa.table(
    "items",
    sa.column("id", sa.BigInteger()),
    sa.column("published_at", UTCDateTime()),
    sa.column("text_norm", sa.Text()),
)


def rebuild_index(session: Session, batch: int = 5000) -> int:
    """Index every stored item afresh, in batches by id; returns how many."""
    clear_index(session)
    last_id, total = 0, 0
    while True:
        rows = session.execute(
            select(_INDEXED.c.id, _INDEXED.c.published_at, _INDEXED.c.text_norm)
            .where(_INDEXED.c.id > last_id)
            .order_by(_INDEXED.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return total
        total += index_items(session, (IndexRow(r.id, r.published_at, r.text_norm) for r in rows))
        last_id = rows[-1].id


def clear_index(session: Session) -> None:
    if backend(session) == "sqlite":
        session.execute(text("INSERT INTO item_search(item_search) VALUES ('delete-all')"))
    else:
        session.execute(text("DELETE FROM item_search"))


def backend(session: Session) -> str:
    return session.get_bind().dialect.name
