"""Reading the audit log: who did what to which record and when, filtered and paged,
with each action in the desk's words."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from yuqing.store.models import AuditEntry, User

PER_PAGE = 100
MAX_EXPORT = 50_000
# Known actions in Chinese; ``item.status`` etc. are read as object + verb.
ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "user.create": "新建账号",
    "user.role": "更改角色",
    "user.password_reset": "重置密码",
    "user.active": "启用/停用账号",
    "officer_added": "新建信息员",
    "field_report_filed": "报送信息",
    "zero_report_filed": "零报告",
    "field_report_adopted": "采用报送",
    "tally_entry": "填报统计",
    "directive_sent": "下发通知",
    "directive_acknowledged": "签收通知",
    "directive_completed": "完成通知",
    "report_drafted": "生成报告初稿",
    "report_edited": "编辑报告",
    "report_refreshed": "刷新报告数据",
    "report_distributed": "分发报告",
    "source_saved": "保存信息源",
    "item_entered": "人工录入",
    "unit_added": "新增单位",
    "unit_active_set": "启用/停用单位",
    "unit_deadline_set": "设置报送截止时间",
    "event_merged": "合并事件",
    "alert.ack": "确认预警",
    "case.close": "办结督办",
    "case.reply": "回复督办",
    "case.privacy_request": "请求保护个人信息",
    "claim.publish": "发布辟谣",
    "claim.update": "修改辟谣",
    "view.save": "保存视图",
    "case.open": "新建督办",
    "tally_metric_active": "启用/停用统计指标",
    "tally_metric_added": "新增统计指标",
    "tally_metric_moved": "调整统计指标顺序",
    "tally_metric_renamed": "重命名统计指标",
    "assessment_weights_set": "设置考核权重",
    "subscription.create": "新建订阅",
    "subscription.enabled": "启用/停用订阅",
    "view.delete": "删除视图",
    "rule.save": "保存监测规则",
    "rule.active": "启用/停用监测规则",
    "export": "导出",
    "audit.export": "导出审计日志",
}
OBJECTS = {
    "login": "账号",
    "item": "信息",
    "event": "事件",
    "case": "督办",
    "claim": "辟谣",
    "report": "报告",
    "user": "账号",
    "unit": "单位",
    "field_report": "报送",
    "rule": "监测规则",
    "source": "信息源",
    "directive": "通知",
    "subscription": "预警订阅",
    "tally_entry": "工作统计",
    "tally_metric": "统计指标",
    "alert": "预警",
    "audit": "审计日志",
}
VERBS = {
    "lock": "锁定",
    "unlock": "释放锁定",
    "status": "设置状态",
    "severity": "设置严重程度",
    "assign": "分派",
    "tag": "添加标签",
    "untag": "移除标签",
    "note": "备注",
}


def action_label(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    noun, _, verb = action.partition(".")
    if noun in OBJECTS and verb in VERBS:
        return f"{OBJECTS[noun]}{VERBS[verb]}"
    if action.startswith("claim_match."):
        return "辟谣比对结论"
    if action.endswith("export") or action.startswith("export"):
        return "导出"
    return f"{OBJECTS.get(noun, '其他')}操作"


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""  # username or display name, part of it
    action: str = ""  # an action code or its start, e.g. "item."
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    action: str
    label: str
    object_type: str
    object_label: str
    object_id: str
    detail: dict[str, Any]
    remote_addr: str

    @property
    def detail_text(self) -> str:
        return json.dumps(self.detail, ensure_ascii=False, default=str) if self.detail else ""


def _where(filters: AuditFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.who:
        like = f"%{filters.who}%"
        where.append(or_(User.username.like(like), User.display_name.like(like)))
    if filters.action:
        where.append(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.object_type:
        where.append(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        where.append(AuditEntry.object_id == filters.object_id)
    if filters.since:
        where.append(AuditEntry.at >= filters.since)
    if filters.until:
        where.append(AuditEntry.at < filters.until)
    return where


def audit_rows(
    session: Session, filters: AuditFilters, *, limit: int = PER_PAGE
) -> tuple[int, list[AuditRow]]:
    """The total that match and one page of them, newest first."""
    base = select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.user_id)
    where = _where(filters)
    total = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(*where)
    )
    rows = session.execute(
        base.where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset((max(filters.page, 1) - 1) * limit)
    ).all()
    return int(total or 0), [
        AuditRow(
            entry.at,
            name or ("（未登录）" if entry.user_id is None else f"用户 {entry.user_id}"),
            entry.action,
            action_label(entry.action),
            entry.object_type or "",
            OBJECTS.get(entry.object_type or "", "其他" if entry.object_type else ""),
            entry.object_id or "",
            entry.detail or {},
            entry.remote_addr or "",
        )
        for entry, name in rows
    ]


def action_choices(session: Session) -> list[tuple[str, str]]:
    codes = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    return [(code, action_label(code)) for code in codes]
