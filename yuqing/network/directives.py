"""Directives (通知 / 任务): the desk sends a notice or task to chosen units with a
deadline; units acknowledge it and report completion; the desk sees who has not.

A directive carries the desk's own work (publicity, checks, reporting). It is never
a means to organise reposting, commenting or liking campaigns: such texts are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, NotFound
from yuqing.network.scope import Reach
from yuqing.store.models import AuditEntry, Directive, DirectiveTarget, Unit

KINDS = {"notice": "通知", "task": "任务"}
# Words of an astroturfing order: the platform refuses to carry them.
CAMPAIGN_WORDS = (
    "转发",
    "点赞",
    "刷评",
    "控评",
    "跟帖",
    "评论区",
    "水军",
    "带节奏",
    "刷量",
    "顶帖",
)


@dataclass(frozen=True)
class TargetState:
    unit_id: int
    unit_name: str
    acknowledged_at: datetime | None
    completed_at: datetime | None
    completion_note: str | None

    def overdue(self, deadline: datetime | None, now: datetime) -> bool:
        return deadline is not None and self.completed_at is None and now > deadline

    def on_time(self, deadline: datetime | None) -> bool:
        if self.completed_at is None:
            return False
        return deadline is None or self.completed_at <= deadline


@dataclass(frozen=True)
class DirectiveView:
    directive: Directive
    targets: list[TargetState]

    @property
    def not_acknowledged(self) -> list[TargetState]:
        return [t for t in self.targets if t.acknowledged_at is None]

    @property
    def not_completed(self) -> list[TargetState]:
        return [t for t in self.targets if t.completed_at is None]


def send_directive(
    session: Session,
    *,
    kind: str,
    title: str,
    body: str,
    unit_ids: list[int],
    deadline: datetime | None,
    user_id: int | None,
    now: datetime,
) -> Directive:
    if kind not in KINDS:
        raise BadInput(f"类型 {kind!r} 应为 通知 或 任务")
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise BadInput("通知的标题和内容都不能为空")
    found = [w for w in CAMPAIGN_WORDS if w in title or w in body]
    if found:
        raise BadInput(
            f"通知 {title[:30]!r} 含有 {'、'.join(found)}：平台不用于组织转发、评论或点赞"
        )
    if deadline is not None and deadline <= now:
        raise BadInput(f"通知 {title[:30]!r} 的截止时间已过")
    units = list(session.scalars(select(Unit).where(Unit.id.in_(set(unit_ids)), Unit.active)))
    if not units or len(units) != len(set(unit_ids)):
        raise BadInput(f"通知 {title[:30]!r} 需要选择存在的接收单位")
    directive = Directive(
        kind=kind,
        title=title,
        body=body,
        deadline=deadline,
        created_by_id=user_id,
        created_at=now,
    )
    session.add(directive)
    session.flush()
    for unit in units:
        session.add(DirectiveTarget(directive_id=directive.id, unit_id=unit.id))
    _audit(session, user_id, "directive_sent", directive.id, {"units": sorted(unit_ids)})
    return directive


def _target(session: Session, reach: Reach, directive_id: int, unit_id: int) -> DirectiveTarget:
    reach.require_act(session, unit_id)
    target = session.get(DirectiveTarget, (directive_id, unit_id))
    if target is None:
        raise NotFound(f"通知 {directive_id} 未发给单位 {unit_id}")
    return target


def acknowledge(
    session: Session, reach: Reach, directive_id: int, unit_id: int, *, now: datetime
) -> DirectiveTarget:
    """The unit has read the directive (签收); a second click changes nothing."""
    target = _target(session, reach, directive_id, unit_id)
    if target.acknowledged_at is None:
        target.acknowledged_at = now
        _audit(session, reach.user_id, "directive_acknowledged", directive_id, {"unit_id": unit_id})
    return target


def complete(
    session: Session,
    reach: Reach,
    directive_id: int,
    unit_id: int,
    *,
    note: str,
    now: datetime,
) -> DirectiveTarget:
    """The unit reports the task done, with what it did; completing also acknowledges."""
    target = _target(session, reach, directive_id, unit_id)
    if not note.strip():
        raise BadInput(f"通知 {directive_id}：请填写完成情况")
    target.acknowledged_at = target.acknowledged_at or now
    target.completed_at = now
    target.completion_note = note.strip()[:5000]
    _audit(session, reach.user_id, "directive_completed", directive_id, {"unit_id": unit_id})
    return target


def directives(session: Session, reach: Reach, *, limit: int = 100) -> list[DirectiveView]:
    """Directives with their targets that the user may see, newest first."""
    rows = session.execute(
        select(Directive, DirectiveTarget, Unit.name)
        .join(DirectiveTarget, DirectiveTarget.directive_id == Directive.id)
        .join(Unit, Unit.id == DirectiveTarget.unit_id)
        .where(reach.unit_filter())
        .order_by(Directive.id.desc(), Unit.path)
    ).all()
    views: dict[int, DirectiveView] = {}
    for directive, target, name in rows:
        view = views.setdefault(directive.id, DirectiveView(directive, []))
        view.targets.append(
            TargetState(
                target.unit_id,
                name,
                target.acknowledged_at,
                target.completed_at,
                target.completion_note,
            )
        )
    return list(views.values())[:limit]


def _audit(
    session: Session, user_id: int | None, action: str, directive_id: int, detail: dict[str, object]
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type="directive",
            object_id=str(directive_id),
            detail=detail,
        )
    )
