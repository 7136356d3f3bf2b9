"""Running the platform on several processes and machines: named leases (one
analysis fold at a time, one scheduler tick), the per-host politeness clock, the
shared robots.txt cache, and the chunks of per-text analysis handed to workers
with the tags they wrote back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base
from yuqing.store.types import Json, UTCDateTime


class Lease(Base):
    """A named piece of work only one holder may do at a time, until ``until``.

    The holder renews ``until`` while it works (a heartbeat); a crashed holder stops
    renewing, and the lease is free again once ``until`` has passed."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HostSlot(Base):
    """The next time (Unix seconds) anyone may send a request to ``host``."""

    __tablename__ = "host_slots"

    host: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class RobotsEntry(Base):
    """One scheme+host+port's robots.txt outcome, shared by every fetcher."""

    __tablename__ = "robots_cache"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # parsed, allow or disallow
    status: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    transient: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float)


class TagChunk(Base):
    """Pending items whose per-text stages one worker computes, anywhere.

    The fold writes a chunk and queues it under a fresh ``token``; the worker
    renews ``expires_at`` while it tags, and writes the tags only while the token is
    still the chunk's. A chunk whose worker died (nothing renews it) is queued again
    under a new token once it expires, so a late writer of the old one writes nothing."""

    __tablename__ = "tag_chunks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_ids: Mapped[list[int]] = mapped_column(Json)
    token: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    worker: Mapped[str | None] = mapped_column(String(200))  # who is tagging it now
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ItemTags(Base):
    """An item's per-text results (places, topics, polarity, emotion, risk, claim
    candidates) as a worker computed them, until the fold consumes them (``tags``
    then turns null). ``times`` counts the tagging writes the item ever had."""

    __tablename__ = "item_tags"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    tags: Mapped[dict[str, Any] | None] = mapped_column(Json)
    times: Mapped[int] = mapped_column(Integer, default=1)
    chunk_id: Mapped[int | None] = mapped_column(Integer)
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
