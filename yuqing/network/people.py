"""Units and the people who use yuqing: creating them, their passwords, their roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import Role, Unit, UnitKind, User, UserRole

_hasher = PasswordHasher()
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_unit(
    session: Session,
    name: str,
    kind: UnitKind | str,
    *,
    parent: Unit | None = None,
    code: str | None = None,
    created_at: datetime | None = None,
) -> Unit:
    """Add a unit under ``parent`` and give it its materialised path. ``created_at``
    (default now) is the day it is expected to report from: loading a hierarchy that
    existed before passes an earlier time."""
    kind = UnitKind(kind)
    unit = Unit(name=name, kind=kind.value, code=code, parent_id=parent.id if parent else None)
    if created_at is not None:
        unit.created_at = created_at
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_id: int | None = None


def add_user(
    session: Session,
    username: str,
    password: str,
    *,
    display_name: str | None = None,
    unit: Unit | None = None,
    grants: Iterable[Grant] = (),
    email: str | None = None,
) -> User:
    username = username.strip()
    if not username or not username.isascii() or " " in username:
        raise BadInput(f"username {username!r} must be ASCII without spaces")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        unit_id=unit.id if unit else None,
        email=email,
    )
    for grant in grants:
        user.roles.append(UserRole(role=Role(grant.role).value, unit_id=grant.unit_id))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    user.password_hash = hash_password(password)
