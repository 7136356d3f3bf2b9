"""What analysis and the desk make of items: events, watch rules, claims, cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base, CaseStatus, CreatedAt
from yuqing.store.types import BigIntId, Json, UTCDateTime


class Event(CreatedAt, Base):
    """A cluster of items about one happening. ``merged_into_id`` records an analyst's
    merge; ``curated`` marks events whose membership analysts have edited."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    source_count: Mapped[int] = mapped_column(Integer, default=0)
    places: Mapped[list[str]] = mapped_column(Json, default=list)
    topics: Mapped[list[str]] = mapped_column(Json, default=list)
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    trend: Mapped[str | None] = mapped_column(String(10))
    signature: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # Triage (研判), as on items: status, severity and the who-is-working lock.
    status: Mapped[str] = mapped_column(String(20), default="new")
    severity: Mapped[str | None] = mapped_column(String(20))
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))

    __table_args__ = (
        # The standing events active in a period, read from their newest end: a period's
        # "began before it ended" holds for nearly every event ever seen.
        Index(
            "ix_events_active",
            "last_seen",
            "first_seen",
            "heat",
            "id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
    )


class TermBackground(Base):
    """How many posts of a sample of the stream hold each candidate term: what key terms
    (词云) are weighed against, computed by the scheduled analysis so that no page
    request reads and counts the sample itself. ``newest_item_id``: the newest item
    when it was counted (a stream with nothing newer needs no new count)."""

    __tablename__ = "term_backgrounds"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    newest_item_id: Mapped[int | None] = mapped_column(BigIntId)
    docs: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(Json)


class WatchRule(CreatedAt, Base):
    __tablename__ = "watch_rules"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    raises_alert: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RuleHit(Base):
    __tablename__ = "rule_hits"

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("watch_rules.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Claim(CreatedAt, Base):
    """An entry of the fact-check library (辟谣库)."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    text_norm: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(20))
    clarification: Mapped[str | None] = mapped_column(Text)
    authority: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    claim_date: Mapped[date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ClaimMatch(Base):
    """A candidate pairing of an item with a claim; an analyst confirms or rejects it."""

    __tablename__ = "claim_matches"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Case(CreatedAt, Base):
    """A public concern routed to a department with a deadline (督办). A privacy
    protection case has no department: it goes to the platform privacy channel in
    ``target``. ``escalated_at`` is when ``escalation_level`` last rose."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30), default="concern")
    description: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    target: Mapped[str | None] = mapped_column(String(2000))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN.value)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cases_status_deadline", "status", "deadline"),)


class CaseReply(CreatedAt, Base):
    __tablename__ = "case_replies"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(20), default="web")
    # The Message-ID of a reply that came by e-mail, so that reading a mailbox twice files it once.
    external_id: Mapped[str | None] = mapped_column(String(300), unique=True)


class Attachment(CreatedAt, Base):
    """A file attached to a case reply, field report or report; stored under data_dir."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int] = mapped_column(BigIntId)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id"),)


class TriageNote(CreatedAt, Base):
    """An analyst's note on an item or an event in the triage queue (one of the two)."""

    __tablename__ = "triage_notes"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)


class SavedView(CreatedAt, Base):
    """A named filter of the triage queue, kept as its query string, per user."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)
