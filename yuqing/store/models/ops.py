"""Running the platform on several processes and machines: named leases (one
analysis fold at a time, one scheduler tick), the per-host politeness clock and
the shared robots.txt cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base
from yuqing.store.types import UTCDateTime


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
