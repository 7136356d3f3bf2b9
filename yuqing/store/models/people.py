"""Units (the reporting hierarchy), users, their roles and login sessions."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yuqing.store.models.base import Base, CreatedAt
from yuqing.store.types import BigIntId, UTCDateTime


class Unit(CreatedAt, Base):
    """A node of the hierarchy (city → district → town → community) or a school,
    enterprise or department. ``path`` is the chain of ids, "/1/4/12/", so that a
    roll-up is one ``LIKE`` on an index."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    path: Mapped[str] = mapped_column(String(500), default="/", index=True)
    report_deadline: Mapped[time] = mapped_column(Time, default=time(17, 0))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When it was last made inactive: it stops being expected to report from that local day.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_units_parent_name"),)


class User(CreatedAt, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship()
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class UserRole(Base):
    """A role held within a unit's subtree; ``unit_id`` NULL means everywhere."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id", name="uq_user_roles_grant"),)


class WebSession(CreatedAt, Base):
    """A login. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_web_sessions_user", "user_id"),)
