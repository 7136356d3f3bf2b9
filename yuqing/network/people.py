"""Units and the people who use yuqing: creating them, their passwords, their roles."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from argon2 import Parameters, PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.passwords import check_new_password
from yuqing.store.models import AuditEntry, Role, Unit, UnitKind, User, UserRole, WebSession

_hasher = PasswordHasher()
# Checked when the account does not exist, so that the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str, *, username: str = "", names: Iterable[str] = ()) -> str:
    """The stored hash of an acceptable new password (see :mod:`passwords`)."""
    check_new_password(password, username=username, names=names)
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; with no user a dummy hash is checked, so that
    unknown usernames cost the same time as known ones."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and (
            user is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash_parameters() -> Parameters:
    """The cost of the dummy check, which must match real hashes'."""
    return extract_parameters(_DUMMY_HASH)


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
        password_hash=hash_password(
            password, username=username, names=[display_name or "", email or ""]
        ),
        unit_id=unit.id if unit else None,
        email=email,
    )
    for grant in grants:
        user.roles.append(UserRole(role=Role(grant.role).value, unit_id=grant.unit_id))
    session.add(user)
    session.flush()
    return user


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def end_sessions(session: Session, user_id: int) -> int:
    """Log the user out everywhere; returns how many logins ended."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def set_password(session: Session, username: str, password: str) -> int:
    """A new password; every existing login of the account ends. Returns how many."""
    user = _user(session, username)
    user.password_hash = hash_password(
        password, username=username, names=[user.display_name, user.email or ""]
    )
    ended = end_sessions(session, user.id)
    session.add(
        AuditEntry(
            action="password_changed",
            object_type="user",
            object_id=username,
            detail={"sessions_ended": ended},
        )
    )
    return ended


def set_user_active(session: Session, username: str, active: bool) -> int:
    """Deactivate (ending every login) or reactivate an account; returns logins ended."""
    user = _user(session, username)
    user.active = active
    ended = 0 if active else end_sessions(session, user.id)
    session.add(
        AuditEntry(
            action="user_activated" if active else "user_deactivated",
            object_type="user",
            object_id=username,
            detail={"sessions_ended": ended},
        )
    )
    return ended
