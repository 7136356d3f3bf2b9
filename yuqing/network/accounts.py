"""Accounts as an admin keeps them in the web: any role scoped to a unit, a change of
role or unit, a password reset, deactivation. Every change is in the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yuqing.desk.audit import audit
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.passwords import password_problem
from yuqing.network.people import Grant, add_user, hash_password
from yuqing.store.models import ROLE_LABELS, Role, Unit, User, UserRole, WebSession

# Roles that act for one unit and must name it; the desk's roles may be city-wide.
UNIT_ROLES = (Role.OFFICER, Role.RESPONDER)
ROLES = {str(role): label for role, label in ROLE_LABELS.items()}


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    display_name: str
    role: str  # the main role's label
    role_code: str
    unit_name: str
    unit_id: int | None
    active: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: str
    unit_id: int | None
    password: str


def accounts(session: Session, *, role: str = "", active_only: bool = False) -> list[Account]:
    """Every account, by username, with its main role and unit."""
    users = session.scalars(select(User).order_by(User.username)).all()
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    found = []
    for user in users:
        codes = sorted(r.role for r in user.roles)
        main = Role.ADMIN.value if Role.ADMIN.value in codes else (codes[0] if codes else "")
        if (role and role not in codes) or (active_only and not user.active):
            continue
        found.append(
            Account(
                user.id,
                user.username,
                user.display_name,
                "、".join(ROLES.get(c, c) for c in codes) or "无角色",
                main,
                units.get(user.unit_id, "全市") if user.unit_id else "全市",
                user.unit_id,
                user.active,
                user.last_login_at,
            )
        )
    return found


def _role(value: str) -> Role:
    if value not in ROLES:
        raise BadInput(f"未知的角色：{value}（可选 {'、'.join(ROLES.values())}）")
    return Role(value)


def _unit_for(session: Session, role: Role, unit_id: int | None) -> Unit | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        raise BadInput(f"单位 {unit_id} 不存在")
    if role in UNIT_ROLES and unit is None:
        raise BadInput(f"{ROLE_LABELS[role]}必须属于一个单位，请选择单位")
    return unit


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise BadInput(problem)


def create_account(session: Session, new: NewAccount, actor_id: int) -> User:
    """An account of any role; officers and responders act for their unit only."""
    role = _role(new.role)
    username = new.username.strip()
    if not username or not username.isascii() or " " in username:
        raise BadInput(f"用户名 {username!r} 只能用英文字母、数字和符号，不能有空格")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已被使用")
    _check_password(new.password)
    unit = _unit_for(session, role, new.unit_id)
    scope = unit.id if unit is not None and role in UNIT_ROLES else None
    user = add_user(
        session,
        username,
        new.password,
        display_name=new.display_name.strip() or username,
        unit=unit,
        grants=[Grant(role, scope)],
    )
    audit(session, actor_id, "user.create", "user", user.id, role=role.value, unit_id=new.unit_id)
    return user


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在")
    return user


def change_role(
    session: Session, user_id: int, role_value: str, unit_id: int | None, actor_id: int
) -> None:
    """Replace the account's roles with one role (in ``unit_id`` where it needs one)."""
    role = _role(role_value)
    user = _user(session, user_id)
    if user.id == actor_id and role is not Role.ADMIN:
        raise BadInput("不能取消自己的管理员角色，请由另一位管理员操作")
    unit = _unit_for(session, role, unit_id)
    before = sorted(r.role for r in user.roles)
    session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    session.expire(user, ["roles"])
    scope = unit.id if unit is not None and role in UNIT_ROLES else None
    session.add(UserRole(user_id=user.id, role=role.value, unit_id=scope))
    user.unit_id = unit.id if unit is not None else None
    audit(
        session,
        actor_id,
        "user.role",
        "user",
        user.id,
        before=before,
        after=role.value,
        unit_id=unit_id,
    )


def reset_password(session: Session, user_id: int, actor_id: int) -> tuple[str, str]:
    """A new random password for the account (username, password), shown once to the
    admin; the account's logins end."""
    user = _user(session, user_id)
    password = secrets.token_urlsafe(9)
    user.password_hash = hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit(session, actor_id, "user.password_reset", "user", user.id)
    return user.username, password


def set_active(session: Session, user_id: int, active: bool, actor_id: int) -> None:
    """Deactivate (or bring back) an account; a deactivated one cannot log in."""
    user = _user(session, user_id)
    if user.id == actor_id and not active:
        raise BadInput("不能停用自己的账号")
    if user.active == active:
        return
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit(session, actor_id, "user.active", "user", user.id, active=active)
