"""The reporting network: field reports, tallies and directives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base, CreatedAt
from yuqing.store.types import BigIntId, Json, UTCDateTime, utcnow


class FieldReport(CreatedAt, Base):
    """What an officer hears people around them are concerned about (社会舆情信息),
    or the day's zero report (今日无情况)."""

    __tablename__ = "field_reports"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    report_date: Mapped[date] = mapped_column(Date)
    is_zero: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str | None] = mapped_column(String(50))
    place: Mapped[str | None] = mapped_column(String(200))
    urgency: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(String(20), default="web")
    # Message-ID of an e-mailed report, so that re-importing a mailbox adds nothing.
    external_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    adopted: Mapped[bool] = mapped_column(Boolean, default=False)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL")
    )

    __table_args__ = (Index("ix_field_reports_unit_date", "unit_id", "report_date"),)


class TallyMetric(CreatedAt, Base):
    """A metric of the communication work, e.g. 宣传单 (份)."""

    __tablename__ = "tally_metrics"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(50))
    # Filled from collected items of monitored outlets instead of typed in.
    auto_source: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TallyEntry(CreatedAt, Base):
    """A unit's value of a metric for a day. A correction adds a row and points the old
    one at it, so history is kept; the current value has ``superseded_by_id`` NULL."""

    __tablename__ = "tally_entries"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    metric_id: Mapped[int] = mapped_column(ForeignKey("tally_metrics.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("tally_entries.id", ondelete="SET NULL")
    )

    __table_args__ = (Index("ix_tally_entries_unit_metric_day", "unit_id", "metric_id", "day"),)


class Directive(CreatedAt, Base):
    """A notice or task the desk sends to units (通知 / 任务)."""

    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="notice")
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DirectiveTarget(Base):
    __tablename__ = "directive_targets"

    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_note: Mapped[str | None] = mapped_column(Text)


class NetworkSetting(Base):
    """A setting of the network wing the desk changes in the UI, e.g. the assessment
    weights; kept as JSON under a name, with who changed it last."""

    __tablename__ = "network_settings"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
