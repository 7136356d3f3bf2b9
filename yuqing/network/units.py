"""The hierarchy as the desk manages it: the tree, adding units and officers,
each unit's daily deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.network.scope import Reach
from yuqing.store.models import UNIT_KIND_LABELS, AuditEntry, Role, Unit, UnitKind, User, UserRole

KIND_BY_LABEL = {label: kind.value for kind, label in UNIT_KIND_LABELS.items()}


@dataclass(frozen=True)
class UnitNode:
    id: int
    name: str
    kind: str
    kind_label: str
    code: str | None
    path: str
    depth: int
    parent_id: int | None
    deadline: time
    active: bool
    deactivated_at: datetime | None
    officers: int


def parse_kind(raw: str) -> UnitKind:
    """A unit kind from its code (district) or its Chinese label (区)."""
    text = raw.strip()
    try:
        return UnitKind(KIND_BY_LABEL.get(text, text.lower()))
    except ValueError as exc:
        choices = "、".join(UNIT_KIND_LABELS.values())
        raise BadInput(f"单位类型 {text!r} 未知，可选：{choices}") from exc


def unit_tree(session: Session, reach: Reach) -> list[UnitNode]:
    """Units the user may see, parents before children (ordered by path)."""
    staffed = dict(
        session.execute(
            select(UserRole.unit_id, func.count())
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role == Role.OFFICER.value, User.active)
            .group_by(UserRole.unit_id)
        ).all()
    )
    units = session.scalars(select(Unit).where(reach.unit_filter()))
    ordered = sorted(units, key=lambda u: [int(p) for p in u.path.strip("/").split("/") if p])
    return [
        UnitNode(
            id=u.id,
            name=u.name,
            kind=u.kind,
            kind_label=UNIT_KIND_LABELS.get(UnitKind(u.kind), u.kind),
            code=u.code,
            path=u.path,
            depth=u.path.count("/") - 2,
            parent_id=u.parent_id,
            deadline=u.report_deadline,
            active=u.active,
            deactivated_at=u.deactivated_at,
            officers=staffed.get(u.id, 0),
        )
        for u in ordered
    ]


def create_unit(
    session: Session,
    *,
    name: str,
    kind: str,
    parent_id: int | None,
    code: str | None,
    deadline: time | None,
    user_id: int | None,
) -> Unit:
    """Add a unit from the UI or an import row, checking what the database would refuse."""
    name = name.strip()
    if not name:
        raise BadInput("单位名称不能为空")
    parent = session.get(Unit, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise NotFound(f"上级单位 {parent_id} 不存在")
    code = (code or "").strip() or None
    if code is not None and session.scalar(select(Unit.id).where(Unit.code == code)):
        raise Conflict(f"单位代码 {code} 已被使用")
    sibling = select(Unit.id).where(
        Unit.name == name,
        Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None),
    )
    if session.scalar(sibling) is not None:
        raise Conflict(f"{parent.name if parent else '顶层'}下已有单位 {name}")
    unit = add_unit(session, name, parse_kind(kind), parent=parent, code=code)
    if deadline is not None:
        unit.report_deadline = deadline
    _audit(session, user_id, "unit_added", unit.id, {"name": name, "parent_id": parent_id})
    return unit


def set_deadline(session: Session, unit_id: int, deadline: time, user_id: int | None) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位 {unit_id} 不存在")
    unit.report_deadline = deadline
    _audit(session, user_id, "unit_deadline_set", unit.id, {"deadline": deadline.isoformat()})
    return unit


def set_unit_active(
    session: Session, unit_id: int, active: bool, user_id: int | None, *, now: datetime
) -> Unit:
    """Make a unit inactive (it stops being expected to report from today's local day,
    its history stays) or active again. Only the latest deactivation is kept, so a
    reactivated unit is expected on every day since its creation again: reactivation
    is for undoing a mistake, not for a unit that paused."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位 {unit_id} 不存在")
    if unit.active == active:
        return unit
    unit.active = active
    unit.deactivated_at = None if active else now
    _audit(session, user_id, "unit_active_set", unit.id, {"active": active})
    return unit


def add_officer(
    session: Session,
    *,
    unit_id: int,
    username: str,
    password: str,
    display_name: str | None,
    email: str | None,
    user_id: int | None,
) -> User:
    """An officer (信息员): a user scoped to one unit, who files for it."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位 {unit_id} 不存在")
    officer = add_user(
        session,
        username,
        password,
        display_name=(display_name or "").strip() or None,
        unit=unit,
        email=(email or "").strip().lower() or None,
        grants=[Grant(Role.OFFICER, unit.id)],
    )
    _audit(session, user_id, "officer_added", unit.id, {"username": officer.username})
    return officer


def _audit(
    session: Session, user_id: int | None, action: str, unit_id: int, detail: dict[str, object]
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type="unit",
            object_id=str(unit_id),
            detail=detail,
        )
    )
