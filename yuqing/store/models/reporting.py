"""Report series and reports, alerts and their deliveries, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base, CreatedAt, ReportStatus
from yuqing.store.types import BigIntId, Json, UTCDateTime, utcnow


class ReportSeries(CreatedAt, Base):
    """A numbered series (日报, 专报, 周报, 情况通报). ``last_number`` only moves when a
    report is issued, inside the issuing transaction, so numbers have no gap or repeat."""

    __tablename__ = "report_series"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="daily")
    issuing_unit: Mapped[str | None] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Report(CreatedAt, Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("report_series.id", ondelete="RESTRICT"))
    number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.DRAFT.value)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signer_name: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("series_id", "number", name="uq_reports_series_number"),)


class ReportVersion(CreatedAt, Base):
    """Every saved state of a report's content, kept for diffs."""

    __tablename__ = "report_versions"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("report_id", "version", name="uq_report_versions_report_version"),
    )


class Alert(CreatedAt, Base):
    """Something the desk should know now: a rule hit, a spike, a silent source, an
    overdue case. ``dedupe_key`` keeps one alert per happening."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    severity: Mapped[str | None] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (Index("ix_alerts_kind_created", "kind", "created_at"),)


class Subscription(CreatedAt, Base):
    """Who is told about which alerts, through which channel (email, webhook, wecom …)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(2000))
    kinds: Mapped[list[str]] = mapped_column(Json, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class Delivery(CreatedAt, Base):
    """One attempt chain to deliver one alert to one subscription; ``log`` keeps every
    attempt's time and outcome."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    log: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list, server_default="[]")

    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", name="uq_deliveries_alert_subscription"),
    )


class AuditEntry(Base):
    """Who did what to which record, and when. Rows are only ever added."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)
