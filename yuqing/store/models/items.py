"""What is collected: sources, items and their analysis fields, and rejected input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yuqing.store.models.base import Base, CreatedAt, ItemStatus
from yuqing.store.types import BigIntId, Json, UTCDateTime

# The triage queue's severity rank, written out as SQL: an expression index serves only
# a query whose expression reads exactly as the index's, so yuqing.desk.queue_keyset
# orders by this same text (and migration 0015 indexes it).
SEVERITY_RANK_SQL = (
    "(CASE WHEN severity = 'serious' THEN 0 WHEN severity = 'major' THEN 1 ELSE 2 END)"
)


class Source(CreatedAt, Base):
    """A public source polled on a schedule, an import channel or a partner feed."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(String(2000))
    config: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=3600)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # SSRF guard exemption for intranet sources and the demo's local feed server.
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # Registered public outlets keep their authors' names; everyone else is pseudonymised.
    is_public_outlet: Mapped[bool] = mapped_column(Boolean, default=False)
    outlet_name: Mapped[str | None] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    # Polling state and health.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Held by the worker polling the source now, so that no two poll it at once.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who holds the lease (host:pid:thread), so that only the holder renews it.
    lease_holder: Mapped[str | None] = mapped_column(String(200))


class Item(CreatedAt, Base):
    """One article, post or page. ``text_original`` is what people read (redacted);
    ``text_norm`` is the matching form (NFKC, simplified script, lower case) that
    search, rules and dedupe work on."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="post")
    # Idempotent ingest: one row per key (canonical URL, platform id or content hash).
    ingest_key: Mapped[str] = mapped_column(String(300), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    platform_id: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text_original: Mapped[str] = mapped_column(Text)
    text_norm: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(10), default="zh")
    script: Mapped[str] = mapped_column(String(10), default="hans")
    author: Mapped[str | None] = mapped_column(String(200))
    author_is_outlet: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    # Analysis results (filled by the analyse stages).
    topic: Mapped[str | None] = mapped_column(String(50))
    sentiment: Mapped[str | None] = mapped_column(String(20))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    emotion: Mapped[str | None] = mapped_column(String(20))
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    misinfo_risk: Mapped[float | None] = mapped_column(Float)
    pii: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    privacy_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    duplicate_kind: Mapped[str | None] = mapped_column(String(10))
    copy_count: Mapped[int] = mapped_column(Integer, default=0)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    event_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    analysed_stages: Mapped[int] = mapped_column(Integer, default=0)
    # Triage (研判).
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.NEW.value)
    severity: Mapped[str | None] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags: Mapped[list[str]] = mapped_column(Json, default=list, server_default="[]")

    source: Mapped[Source | None] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_items_published", "published_at"),
        Index("ix_items_status_published", "status", "published_at"),
        Index("ix_items_topic_published", "topic", "published_at"),
        Index("ix_items_source_collected", "source_id", "collected_at"),
        # Covers the report's and the overview's aggregates over a time window, so that
        # they read the index alone instead of every item row (see yuqing.reports.scan).
        Index(
            "ix_items_window_cover",
            "published_at",
            "sentiment",
            "topic",
            "is_local",
            "event_id",
            "source_id",
            "unit_id",
            "duplicate_of_id",
            "heat",
        ),
        # The items no run has analysed yet: the schedule's oldest-pending lookup and
        # its batches read this small index instead of every row (see analyse.pending).
        Index(
            "ix_items_pending",
            "published_at",
            "id",
            sqlite_where=text("analysed_stages != 63"),
            postgresql_where=text("analysed_stages != 63"),
        ),
        # A copy's original; originals (NULL) are left out, so that SQLite never takes
        # this index for "the originals" and sorts the whole queue by hand.
        Index(
            "ix_items_duplicate_of_id",
            "duplicate_of_id",
            sqlite_where=text("duplicate_of_id IS NOT NULL"),
            postgresql_where=text("duplicate_of_id IS NOT NULL"),
        ),
        # The triage queue's order over originals (see yuqing.desk.queue_keyset).
        Index(
            "ix_items_queue",
            "status",
            text(SEVERITY_RANK_SQL),
            "heat",
            "published_at",
            "id",
            sqlite_where=text("duplicate_of_id IS NULL"),
            postgresql_where=text("duplicate_of_id IS NULL"),
        ),
    )


class ItemPlace(Base):
    """A place an item mentions, by gazetteer code."""

    __tablename__ = "item_places"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))


class ItemTopic(Base):
    """A topic an item carries, with who assigned it (seed keywords, model, analyst)."""

    __tablename__ = "item_topics"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(String(20), default="seed")


class ItemLabel(CreatedAt, Base):
    """An analyst's label on an item, the training data of the trainable models."""

    __tablename__ = "item_labels"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(50))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class QuarantineEntry(CreatedAt, Base):
    """Input that was refused, with where it came from and why; never silently dropped."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(2000))
    position: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)
    # Same source, place and reason: the same refusal, kept once while unresolved.
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_quarantine_open", "resolved_at", "created_at"),)
