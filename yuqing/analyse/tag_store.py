"""Per-text results kept in the database between the worker that computed them and
the fold that consumes them, and the chunks of items handed out for tagging.

A chunk belongs to the dispatch that carries its current ``token``. The worker's
write checks the token and marks the chunk done in the same transaction as the
tags, so whichever of two writers comes second (a worker thought dead whose chunk
was handed out again) writes nothing: each item's tags are committed once.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, null, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from yuqing.analyse.claims import ClaimCandidate
from yuqing.analyse.tagging import TextTags
from yuqing.store.models import ItemTags, TagChunk
from yuqing.store.types import utcnow

DONE_KEPT = timedelta(days=1)  # finished chunks stay this long, for the record


@dataclass(frozen=True)
class StoredTags:
    """What a worker computes for one item: its tags, claim candidates and rule hits."""

    tags: TextTags
    claims: list[ClaimCandidate]
    rule_ids: list[int]

    def encode(self) -> dict[str, Any]:
        t = self.tags
        return {
            "places": [list(p) for p in t.places],
            "is_local": t.is_local,
            "topics": [[topic, float(score), origin] for topic, score, origin in t.topics],
            "sentiment": t.sentiment,
            "emotion": t.emotion,
            "score": float(t.score),
            "misinfo_risk": None if t.misinfo_risk is None else float(t.misinfo_risk),
            "claims": [[c.claim_id, float(c.score)] for c in self.claims],
            "rules": list(self.rule_ids),
        }

    @classmethod
    def decode(cls, data: Mapping[str, Any]) -> StoredTags:
        tags = TextTags(
            places=[(str(c), str(n), str(lv)) for c, n, lv in data["places"]],
            is_local=bool(data["is_local"]),
            topics=[(str(t), float(s), str(o)) for t, s, o in data["topics"]],
            sentiment=str(data["sentiment"]),
            emotion=str(data["emotion"]),
            score=float(data["score"]),
            misinfo_risk=data["misinfo_risk"],
        )
        claims = [ClaimCandidate(int(c), float(s)) for c, s in data["claims"]]
        return cls(tags, claims, [int(r) for r in data["rules"]])


@dataclass(frozen=True)
class Dispatch:
    """One chunk handed out: queue ``tag_items(chunk_id, token)``."""

    chunk_id: int
    token: str
    attempts: int = 1
    taken: bool = False  # handed out again after a worker took it and went silent


def _insert(session: Session) -> Any:
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert


def new_chunks(
    session: Session, ids: Sequence[int], size: int, seconds: float, now: datetime | None = None
) -> list[Dispatch]:
    """Chunks of ``size`` items, in the order given, each expiring ``seconds`` from now
    unless a worker takes it (the time a chunk may wait in the queue)."""
    now = now or utcnow()
    made = []
    for start in range(0, len(ids), size):
        chunk = TagChunk(
            item_ids=list(ids[start : start + size]),
            token=uuid.uuid4().hex,
            attempts=1,
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
        session.add(chunk)
        session.flush()
        made.append(Dispatch(chunk.id, chunk.token))
    return made


def open_chunks(session: Session) -> dict[int, list[int]]:
    """The item ids of every chunk not yet done, by chunk."""
    rows = session.execute(select(TagChunk.id, TagChunk.item_ids).where(TagChunk.done_at.is_(None)))
    return {chunk_id: list(ids) for chunk_id, ids in rows}


def requeue_expired(
    session: Session, seconds: float, now: datetime | None = None
) -> list[Dispatch]:
    """Every open chunk nobody renewed in time — a worker took it and died, or no
    worker took it from the queue — under a new token (so that the old dispatch
    writes nothing), to wait ``seconds`` in the queue again."""
    now = now or utcnow()
    expired = session.execute(
        select(TagChunk.id, TagChunk.token, TagChunk.attempts, TagChunk.worker).where(
            TagChunk.done_at.is_(None), TagChunk.expires_at < now
        )
    ).all()
    again = []
    for chunk_id, old, attempts, worker in expired:
        token = uuid.uuid4().hex
        moved = session.execute(
            update(TagChunk)
            .where(TagChunk.id == chunk_id, TagChunk.token == old, TagChunk.done_at.is_(None))
            .values(
                token=token,
                attempts=attempts + 1,
                worker=None,
                expires_at=now + timedelta(seconds=seconds),
            )
            .returning(TagChunk.id)
            .execution_options(synchronize_session=False)
        ).first()
        if moved is not None:  # not finished meanwhile
            again.append(Dispatch(chunk_id, token, attempts + 1, taken=worker is not None))
    return again


def start_chunk(
    session: Session, chunk_id: int, token: str, worker: str, seconds: float
) -> list[int] | None:
    """Take a chunk for tagging: its item ids, or None when this dispatch is stale
    (done, or handed out again since)."""
    row = session.execute(
        update(TagChunk)
        .where(TagChunk.id == chunk_id, TagChunk.token == token, TagChunk.done_at.is_(None))
        .values(worker=worker, expires_at=utcnow() + timedelta(seconds=seconds))
        .returning(TagChunk.item_ids)
        .execution_options(synchronize_session=False)
    ).first()
    return None if row is None else [int(i) for i in row[0]]


def renew_chunk(session: Session, chunk_id: int, token: str, seconds: float) -> bool:
    """Keep a chunk ours while we tag it; False once it is no longer ours."""
    row = session.execute(
        update(TagChunk)
        .where(TagChunk.id == chunk_id, TagChunk.token == token, TagChunk.done_at.is_(None))
        .values(expires_at=utcnow() + timedelta(seconds=seconds))
        .returning(TagChunk.id)
        .execution_options(synchronize_session=False)
    ).first()
    return row is not None


def finish_chunk(
    session: Session, chunk_id: int, token: str, found: Mapping[int, StoredTags]
) -> bool:
    """Mark the chunk done and store its items' tags — only while the dispatch is
    still current; False (nothing written) otherwise."""
    now = utcnow()
    done = session.execute(
        update(TagChunk)
        .where(TagChunk.id == chunk_id, TagChunk.token == token, TagChunk.done_at.is_(None))
        .values(done_at=now)
        .returning(TagChunk.id)
        .execution_options(synchronize_session=False)
    ).first()
    if done is None:
        return False
    write_tags(session, found, chunk_id=chunk_id, now=now)
    return True


def write_tags(
    session: Session,
    found: Mapping[int, StoredTags],
    *,
    chunk_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Store tags where an item has none waiting (tags already waiting stand: a second
    write leaves them as they are); every write is counted in ``times``."""
    if not found:
        return
    now = now or utcnow()
    statement = _insert(session)(ItemTags)
    table = ItemTags.__table__
    # One statement for many rows (executemany): compiled once and cached, where a
    # multi-row VALUES of 500 rows was compiled afresh for every chunk.
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["item_id"],
            set_={
                "times": table.c.times + 1,
                "tags": func.coalesce(table.c.tags, statement.excluded.tags),
                "chunk_id": statement.excluded.chunk_id,
                "tagged_at": statement.excluded.tagged_at,
            },
        ),
        [
            {
                "item_id": item_id,
                "tags": stored.encode(),
                "times": 1,
                "chunk_id": chunk_id,
                "tagged_at": now,
            }
            for item_id, stored in found.items()
        ],
    )


def waiting_tags(session: Session, ids: Collection[int]) -> dict[int, StoredTags]:
    """The tags waiting for the fold among these items."""
    if not ids:
        return {}
    rows = session.execute(
        select(ItemTags.item_id, ItemTags.tags).where(
            ItemTags.item_id.in_(list(ids)), ItemTags.tags.is_not(None)
        )
    )
    return {item_id: StoredTags.decode(tags) for item_id, tags in rows if tags is not None}


def consume_tags(session: Session, ids: Collection[int]) -> None:
    """The fold has used these items' tags: drop them, keep the count."""
    if ids:
        session.execute(
            update(ItemTags)
            .where(ItemTags.item_id.in_(list(ids)))
            .values(tags=null())
            .execution_options(synchronize_session=False)
        )


def forget_old_chunks(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.execute(
        delete(TagChunk).where(TagChunk.done_at.is_not(None), TagChunk.done_at < now - DONE_KEPT)
    )
