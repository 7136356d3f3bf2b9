"""Writing items: batched inserts that skip rows already stored, with the search
index kept in step in the same transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuqing.store import search_index
from yuqing.store.models import Item, QuarantineEntry

RAW_KEEP = 20_000  # characters of a rejected record kept for the analyst to look at


def insert_new_items(session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert item rows whose ``ingest_key`` is not stored yet; index them.

    Returns {ingest_key: new id} for the rows actually inserted, so the caller can
    count duplicates. Two copies of one key inside ``rows`` store one row.
    """
    if not rows:
        return {}
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["ingest_key"] not in seen:
            seen.add(row["ingest_key"])
            unique.append(row)
    dialect = session.get_bind().dialect.name
    stmt_factory = sqlite.insert if dialect == "sqlite" else postgresql.insert
    table = Item.__table__
    assert isinstance(table, Table)
    # Core, not the ORM: the ORM sends a statement per row once rows may be skipped.
    statement = (
        stmt_factory(table)
        .on_conflict_do_nothing(index_elements=["ingest_key"])
        .returning(table.c.id, table.c.ingest_key)
    )
    result = session.connection().execute(statement, unique)
    inserted = {key: item_id for item_id, key in result}
    by_key = {row["ingest_key"]: row for row in unique}
    search_index.index_items(
        session,
        (
            search_index.IndexRow(item_id, by_key[key]["published_at"], by_key[key]["text_norm"])
            for key, item_id in inserted.items()
        ),
    )
    return inserted


def quarantine(
    session: Session,
    *,
    origin: str,
    reason: str,
    position: str | None = None,
    raw: str | None = None,
    source_id: int | None = None,
) -> bool:
    """Keep a rejected record with where it came from and why. A refusal already held
    and unresolved (same source, origin, position, reason) is not added again, so a
    bad entry in a feed polled every hour stays one entry. True when it was added."""
    fingerprint = hashlib.sha256(
        f"{source_id}\x1f{origin}\x1f{position}\x1f{reason}".encode()
    ).hexdigest()
    held = session.scalar(
        select(QuarantineEntry.id).where(
            QuarantineEntry.fingerprint == fingerprint, QuarantineEntry.resolved_at.is_(None)
        )
    )
    if held is not None:
        return False
    session.execute(
        insert(QuarantineEntry),
        [
            {
                "source_id": source_id,
                "origin": origin[:2000],
                "position": position,
                "reason": reason,
                "raw": raw[:RAW_KEEP] if raw is not None else None,
                "fingerprint": fingerprint,
            }
        ],
    )
    return True
