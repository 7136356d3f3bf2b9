"""Cases (督办): a concern routed to a department with a deadline, its replies and closure.

A responder sees the cases of their own department only; the desk sees all. The
scope is applied in every query here, not left to the pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yuqing.desk.attachments import Upload, store_attachment
from yuqing.desk.audit import audit
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import (
    Attachment,
    Case,
    CaseReply,
    CaseStatus,
    Event,
    Item,
    ItemStatus,
    Role,
    RuleHit,
    Unit,
    UnitKind,
    User,
    UserRole,
    WatchRule,
)
from yuqing.store.types import utcnow
from yuqing.text.typed import typed

DESK_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.EDITOR, Role.SIGNER})
STATUS_LABELS = {
    CaseStatus.OPEN.value: "待回复",
    CaseStatus.REPLIED.value: "已回复",
    CaseStatus.ESCALATED.value: "已升级",
    CaseStatus.CLOSED.value: "已办结",
}
KIND_LABELS = {"concern": "群众关切", "price": "价格线索", "privacy_protection": "个人信息保护请求"}
PRICE_TOPIC = "物价"
PRICE_WORDS = ("涨价", "价格", "哄抬", "加价")
MARKET_REGULATOR = "市场监督"


@dataclass(frozen=True)
class CaseViewer:
    """Who is looking: the desk sees every case, a responder their departments' only."""

    user_id: int
    sees_all: bool
    departments: frozenset[int]


def viewer_for(session: Session, user_id: int) -> CaseViewer:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在")
    grants = session.execute(
        select(UserRole.role, UserRole.unit_id).where(UserRole.user_id == user_id)
    ).all()
    sees_all = any(role in DESK_ROLES for role, _ in grants)
    departments = frozenset(
        unit if unit is not None else user.unit_id
        for role, unit in grants
        if role == Role.RESPONDER and (unit is not None or user.unit_id is not None)
    )
    return CaseViewer(user_id, sees_all, frozenset(d for d in departments if d is not None))


def departments(session: Session) -> Sequence[Unit]:
    return session.scalars(
        select(Unit)
        .where(Unit.kind == UnitKind.DEPARTMENT.value, Unit.active.is_(True))
        .order_by(Unit.name)
    ).all()


def suggest_department(session: Session, item: Item | None) -> int | None:
    """Price-gouging leads (topic 物价, or a rule about prices) go to market regulation."""
    if item is None:
        return None
    rules = session.scalars(
        select(WatchRule.name)
        .join(RuleHit, RuleHit.rule_id == WatchRule.id)
        .where(RuleHit.item_id == item.id)
    ).all()
    is_price = item.topic == PRICE_TOPIC or any(w in r for r in rules for w in PRICE_WORDS)
    if not is_price:
        return None
    return session.scalar(
        select(Unit.id).where(
            Unit.kind == UnitKind.DEPARTMENT.value, Unit.name.contains(MARKET_REGULATOR)
        )
    )


def open_case(
    session: Session,
    user_id: int,
    *,
    title: str,
    department_id: int,
    deadline: datetime,
    description: str = "",
    item_id: int | None = None,
    event_id: int | None = None,
    kind: str = "concern",
) -> Case:
    title, description = typed(title), typed(description)  # personal data never stored
    if not title:
        raise BadInput("督办事项需要标题")
    unit = session.get(Unit, department_id)
    if unit is None or unit.kind != UnitKind.DEPARTMENT.value:
        raise BadInput(f"单位 {department_id} 不是职能部门，不能承办督办事项")
    if deadline <= utcnow():
        raise BadInput(f"督办事项“{title}”的办理期限已过：{deadline:%Y-%m-%d %H:%M}")
    if item_id is not None and session.get(Item, item_id) is None:
        raise NotFound(f"条目 {item_id} 不存在")
    if event_id is not None and session.get(Event, event_id) is None:
        raise NotFound(f"事件 {event_id} 不存在")
    case = Case(
        title=title[:500],
        kind=kind if kind in KIND_LABELS else "concern",
        description=description or None,
        item_id=item_id,
        event_id=event_id,
        department_id=department_id,
        deadline=deadline,
        created_by_id=user_id,
    )
    session.add(case)
    session.flush()
    audit(
        session,
        user_id,
        "case.open",
        "case",
        case.id,
        department=unit.name,
        deadline=deadline.isoformat(),
        item_id=item_id,
        event_id=event_id,
    )
    return case


def scoped_cases(viewer: CaseViewer) -> Select[Case]:
    stmt = select(Case)
    if not viewer.sees_all:
        stmt = stmt.where(Case.department_id.in_(viewer.departments))
    return stmt


def list_cases(
    session: Session, viewer: CaseViewer, *, status: str = "", department: int | None = None
) -> Sequence[Case]:
    stmt = scoped_cases(viewer)
    if status:
        stmt = stmt.where(Case.status == status)
    if department:
        stmt = stmt.where(Case.department_id == department)
    return session.scalars(stmt.order_by(Case.deadline, Case.id)).all()


def get_case(session: Session, viewer: CaseViewer, case_id: int) -> Case:
    """The case if the viewer may see it; another department's case is simply not found."""
    case = session.scalar(scoped_cases(viewer).where(Case.id == case_id))
    if case is None:
        raise NotFound(f"督办事项 {case_id} 不存在或不属于本部门")
    return case


def replies(session: Session, case_id: int) -> list[tuple[CaseReply, str, list[Attachment]]]:
    rows = session.execute(
        select(CaseReply, User.display_name)
        .outerjoin(User, User.id == CaseReply.author_id)
        .where(CaseReply.case_id == case_id)
        .order_by(CaseReply.created_at, CaseReply.id)
    ).all()
    ids = [reply.id for reply, _ in rows]
    files: dict[int, list[Attachment]] = {}
    for attachment in session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == "case_reply", Attachment.owner_id.in_(ids))
        .order_by(Attachment.id)
    ):
        files.setdefault(attachment.owner_id, []).append(attachment)
    return [(reply, name or "—", files.get(reply.id, [])) for reply, name in rows]


def reply(
    session: Session,
    viewer: CaseViewer,
    case_id: int,
    body: str,
    *,
    folder: Path,
    uploads: Sequence[Upload] = (),
    via: str = "web",
    external_id: str | None = None,
) -> CaseReply:
    """A department's answer (text and files); the case counts as replied."""
    case = get_case(session, viewer, case_id)
    body = typed(body)
    if not body and not uploads:
        raise BadInput(f"督办事项 {case_id} 的回复不能为空")
    if case.status == CaseStatus.CLOSED.value:
        raise Conflict(f"督办事项 {case_id} 已办结，不能再回复")
    answer = CaseReply(
        case_id=case.id, author_id=viewer.user_id, body=body, via=via, external_id=external_id
    )
    session.add(answer)
    session.flush()
    for upload in uploads:
        store_attachment(
            session,
            folder,
            upload,
            owner_type="case_reply",
            owner_id=answer.id,
            user_id=viewer.user_id,
        )
    case.status = CaseStatus.REPLIED.value
    audit(
        session,
        viewer.user_id,
        "case.reply",
        "case",
        case.id,
        reply_id=answer.id,
        via=via,
        attachments=len(uploads),
    )
    return answer


def close_case(session: Session, user_id: int, case_id: int, outcome: str) -> Case:
    """Record the outcome; the item the case came from counts as responded."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"督办事项 {case_id} 不存在")
    if case.status == CaseStatus.CLOSED.value:
        raise Conflict(f"督办事项 {case_id} 已办结")
    outcome = typed(outcome)
    if not outcome:
        raise BadInput(f"办结督办事项 {case_id} 需要填写办理结果")
    case.status = CaseStatus.CLOSED.value
    case.outcome = outcome
    case.closed_at = utcnow()
    if case.item_id is not None:
        item = session.get(Item, case.item_id)
        if item is not None and item.status != ItemStatus.CLOSED.value:
            item.status = ItemStatus.RESPONDED.value
    audit(session, user_id, "case.close", "case", case.id, outcome=outcome)
    return case


def department_name(session: Session, case: Case) -> str:
    if case.department_id is None:
        return "平台隐私保护渠道"
    unit = session.get(Unit, case.department_id)
    return unit.name if unit else "—"
