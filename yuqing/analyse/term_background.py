"""The background key terms are weighed against (see :mod:`yuqing.analyse.keyterms`):
how many of the stream's newest original posts hold each candidate term.

Counting the sample takes a few hundred milliseconds on real posts, which the first
page with key terms paid in each process. The scheduled analysis counts it instead,
after a fold, when the stored count is older than ``REFRESH_SECONDS`` and newer items
have arrived since; pages read the stored count (one row), and a desk that has none
yet counts it for the page as before.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.analyse.keyterms import Background
from yuqing.store.db import Database
from yuqing.store.models import Item, TermBackground

LOGGER = logging.getLogger(__name__)
# At 1 M items the counts of a larger sample barely move, and reading it costs seconds.
BACKGROUND_SIZE = 3_000
REFRESH_SECONDS = 1800.0
STREAM = "stream"  # the one background kept: the whole stream's


def sample_background(session: Session) -> Background:
    """Count the terms of the stream's newest BACKGROUND_SIZE originals now."""
    texts = session.scalars(
        select(Item.text_norm)
        .where(Item.duplicate_of_id.is_(None))
        .order_by(Item.id.desc())
        .limit(BACKGROUND_SIZE)
    ).all()
    return Background.of(texts)


def stored_at(session: Session) -> datetime | None:
    """When the stored background was counted (None: never); cheap, for cache keys."""
    return session.scalar(select(TermBackground.computed_at).where(TermBackground.name == STREAM))


def stored_background(session: Session) -> Background | None:
    row = session.get(TermBackground, STREAM)
    if row is None:
        return None
    return Background(Counter(row.counts), row.docs)


def refresh_background(db: Database, now: datetime, max_age: float = REFRESH_SECONDS) -> bool:
    """Count and store the background when there is none, or when it is older than
    ``max_age`` seconds and newer items have arrived; True when it was counted."""
    with db.reading() as session:
        newest = session.scalar(select(func.max(Item.id)))
        known = session.execute(  # not the counts: this runs after every fold
            select(TermBackground.computed_at, TermBackground.newest_item_id).where(
                TermBackground.name == STREAM
            )
        ).first()
        if newest is None:
            return False
        if known is not None:
            fresh = (now - known[0]).total_seconds() < max_age
            if fresh or known[1] == newest:
                return False
        background = sample_background(session)
    with db.transaction() as session:
        session.merge(
            TermBackground(
                name=STREAM,
                computed_at=now,
                newest_item_id=newest,
                docs=background.docs,
                counts=dict(background.counts),
            )
        )
    LOGGER.info(
        "key-term background counted: %d posts, %d terms", background.docs, len(background.counts)
    )
    return True
