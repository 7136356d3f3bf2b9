"""Logins, sessions and who may use which route.

Every route declares its audience with one of the ``Access`` dependencies below
(``PUBLIC``, ``ANY_USER`` or ``allow(...)`` with roles); a test walks all routes
and fails if one has none, so nothing is left open by accident.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yuqing.errors import Forbidden, NotAuthenticated
from yuqing.store.db import Database
from yuqing.store.models import ROLE_LABELS, Role, User, WebSession
from yuqing.store.types import utcnow

COOKIE = "yuqing_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The logged-in user and the roles they hold, with the unit each is scoped to."""

    user_id: int
    username: str
    display_name: str
    unit_id: int | None
    grants: tuple[tuple[Role, int | None], ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, _ in self.grants)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles)) or Role.ADMIN in self.roles

    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[r] for r in sorted(self.roles)]

    @classmethod
    def of(cls, user: User) -> Principal:
        grants = tuple((Role(g.role), g.unit_id) for g in user.roles)
        return cls(user.id, user.username, user.display_name, user.unit_id, grants)


def open_session(session: Session, user: User, hours: int, user_agent: str | None) -> str:
    """Record a login and return the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=hours),
            user_agent=(user_agent or "")[:300],
        )
    )
    user.last_login_at = utcnow()
    return token


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def principal_for(db: Database, token: str | None) -> Principal | None:
    if not token:
        return None
    with db.reading() as session:
        row = session.execute(
            select(User, WebSession.expires_at)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == _digest(token))
        ).first()
        if row is None:
            return None
        user, expires_at = row
        if expires_at <= utcnow() or not user.active:
            return None
        return Principal.of(user)


class Access:
    """A route's audience, used as a FastAPI dependency; returns the principal."""

    def __init__(self, *roles: Role, public: bool = False) -> None:
        self.roles = frozenset(roles)
        self.public = public

    def describe(self) -> str:
        if self.public:
            return "public"
        return ", ".join(sorted(self.roles)) if self.roles else "any logged-in user"

    def __call__(self, request: Request) -> Principal | None:
        principal = principal_for(request.app.state.db, request.cookies.get(COOKIE))
        request.state.principal = principal
        if self.public:
            return principal
        if principal is None:
            raise NotAuthenticated("请先登录")
        if self.roles and not principal.has(*self.roles):
            raise Forbidden("当前账号无权访问此页面")
        return principal


def allow(*roles: Role) -> Access:
    return Access(*roles)


PUBLIC = Access(public=True)
ANY_USER = Access()
DESK = allow(Role.ANALYST, Role.EDITOR, Role.SIGNER)
ADMINS = allow(Role.ADMIN)
