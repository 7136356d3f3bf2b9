"""Pseudonymising the accounts named in items stored before ingest did it.

Ingest now replaces ``//@甲:`` and ``@甲`` with the pseudonym the account's own posts
get (``yuqing.collect.ingest``); items collected by an earlier version still hold the
names. This pass rewrites them in place, in id batches of one transaction each: the
title and original text, the matching form, the content hash (and the ingest key when
it was made from the hash, so that collecting the record again still finds it), and
the search index rows. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yuqing.collect.ingest import registered_outlets
from yuqing.collect.keys import content_hash, ingest_key
from yuqing.store.db import Database
from yuqing.store.models import Item, Source
from yuqing.store.search_index import IndexRow, index_items, unindex_items
from yuqing.text import matching_form
from yuqing.text.pseudonyms import pseudonymise_handles

logger = logging.getLogger(__name__)
AT_SIGNS = ("@", "＠")


@dataclass
class BackfillReport:
    read: int = 0
    rewritten: int = 0


def pseudonymise_stored_accounts(
    db: Database,
    secret: str,
    *,
    batch: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> BackfillReport:
    """Rewrite every stored item whose text still names an account; returns counts."""
    report = BackfillReport()
    with db.reading() as session:
        outlets = registered_outlets(session)
    last_id = 0
    while True:
        with db.transaction() as session:
            rows = session.execute(
                select(
                    Item.id,
                    Item.source_id,
                    Item.url,
                    Item.platform_id,
                    Item.ingest_key,
                    Item.title,
                    Item.text_original,
                    Item.text_norm,
                    Item.published_at,
                    Source.kind,
                )
                .outerjoin(Source, Source.id == Item.source_id)
                .where(Item.id > last_id)
                .order_by(Item.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            report.read += len(rows)
            report.rewritten += _rewrite(session, rows, secret, outlets)
        if on_batch is not None:
            on_batch(len(rows))
    logger.info("account backfill: %d items read, %d rewritten", report.read, report.rewritten)
    return report


def _rewrite(session: Session, rows: Sequence[Any], secret: str, outlets: frozenset[str]) -> int:
    updates: list[dict[str, Any]] = []
    before: list[IndexRow] = []
    after: list[IndexRow] = []
    for row in rows:
        title, body = row.title or "", row.text_original or ""
        if not any(sign in title or sign in body for sign in AT_SIGNS):
            continue
        platform = row.kind or ""
        new_body = pseudonymise_handles(body, secret, platform=platform, keep=outlets)[0]
        new_title = pseudonymise_handles(title, secret, platform=platform, keep=outlets)[0]
        if (new_body, new_title) == (body, title):
            continue
        norm = matching_form(f"{new_title}\n{new_body}" if row.title else new_body)
        digest = content_hash(norm)
        key = row.ingest_key
        if key.startswith("hash:"):
            key = ingest_key(source_id=row.source_id, url=None, platform_id=None, digest=digest)
        updates.append(
            {
                "id": row.id,
                "title": new_title if row.title is not None else None,
                "text_original": new_body,
                "text_norm": norm,
                "content_hash": digest,
                "ingest_key": _free_key(session, key, row.ingest_key),
            }
        )
        before.append(IndexRow(row.id, row.published_at, row.text_norm))
        after.append(IndexRow(row.id, row.published_at, norm))
    if updates:
        unindex_items(session, before)
        session.execute(update(Item), updates)
        index_items(session, after)
    return len(updates)


def _free_key(session: Session, wanted: str, current: str) -> str:
    """``wanted`` unless another item (the record collected again since) holds it."""
    if wanted == current:
        return current
    taken = session.scalar(select(Item.id).where(Item.ingest_key == wanted))
    return current if taken is not None else wanted
