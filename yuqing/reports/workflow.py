"""Drafting, editing and signing off reports (审核签发), each step by its role.

    draft ──submit──▶ in_review ──approve──▶ approved ──issue──▶ issued
      ▲  editor/analyst   │ signer              │ signer           (final)
      └──── return ───────┴─────────────────────┘ signer

Editors and analysts draft, edit and submit; the signer approves, returns or issues;
an admin may do anything. Only a draft can change; an issued report never does. Every
step saves a :class:`ReportVersion` (so versions can be compared) and an audit entry.
The issue number is taken in the issuing transaction (see :mod:`yuqing.reports.series`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Conflict, Forbidden, NotFound
from yuqing.reports.assemble import Scope, assemble_overview
from yuqing.reports.bulletin import assemble_bulletin
from yuqing.reports.content import EDITOR_SECTIONS
from yuqing.reports.readiness import require_ready
from yuqing.reports.report_window import window_for as window_for
from yuqing.reports.series import take_number
from yuqing.reports.special import assemble_special
from yuqing.reports.windows import Window
from yuqing.store.models import (
    AuditEntry,
    Event,
    Report,
    ReportSeries,
    ReportStatus,
    ReportVersion,
    Role,
    User,
)

DRAFTERS = frozenset({Role.EDITOR, Role.ANALYST})
SIGNERS = frozenset({Role.SIGNER})
STATUS_LABELS = {
    ReportStatus.DRAFT: "草稿",
    ReportStatus.IN_REVIEW: "待审核",
    ReportStatus.APPROVED: "已审核",
    ReportStatus.ISSUED: "已签发",
}
MAX_EDITOR_TEXT = 20_000


@dataclass(frozen=True)
class Actor:
    """Who acts: a user with roles, or the scheduler (user_id None, every role)."""

    user_id: int | None
    name: str
    roles: frozenset[str]

    def may(self, roles: frozenset[Role]) -> bool:
        return self.user_id is None or Role.ADMIN in self.roles or bool(self.roles & roles)


SYSTEM = Actor(None, "系统", frozenset())


def require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if not actor.may(roles):
        raise Forbidden(f"{what}需要{'或'.join(sorted(r.value for r in roles))}角色")


def _audit(session: Session, actor: Actor, action: str, report: Report, **detail: Any) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            action=action,
            object_type="report",
            object_id=str(report.id),
            detail=detail,
        )
    )


# ---------------------------------------------------------------- versions


def latest_version(session: Session, report_id: int) -> ReportVersion:
    version = session.scalar(
        select(ReportVersion)
        .where(ReportVersion.report_id == report_id)
        .order_by(ReportVersion.version.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(f"报告 {report_id} 没有内容")
    return version


def versions(session: Session, report_id: int) -> list[ReportVersion]:
    return list(
        session.scalars(
            select(ReportVersion)
            .where(ReportVersion.report_id == report_id)
            .order_by(ReportVersion.version)
        )
    )


def _save_version(
    session: Session, report: Report, content: dict[str, Any], actor: Actor
) -> ReportVersion:
    number = session.scalar(
        select(func.max(ReportVersion.version)).where(ReportVersion.report_id == report.id)
    )
    version = ReportVersion(
        report_id=report.id,
        version=int(number or 0) + 1,
        content=content,
        status=report.status,
        created_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    return version


def assembled_at(content: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(content["assembled_at"])


# ---------------------------------------------------------------- drafting


def _title(series: ReportSeries, window: Window, event: Event | None) -> str:
    if event is not None:
        return f"关于“{event.title}”的舆情专报"
    days = window.days
    if series.kind == "daily":
        end = window.local_end.date()
        return f"{end.year}年{end.month}月{end.day}日{series.name}"
    if series.kind == "bulletin":
        return f"关于{window.label()}舆情信息报送工作的{series.name}"
    first, last = days[0], days[-1]
    span = f"{first.year}年{first.month}月{first.day}日至{last.month}月{last.day}日"
    return f"{span}{series.name}"


def _assemble(
    session: Session, report: Report, kind: str, tz: ZoneInfo, now: datetime
) -> dict[str, Any]:
    scope = Scope(
        kind=kind,
        window=Window(report.window_start, report.window_end, tz),
        now=now,
        report_id=report.id,
        event_id=report.event_id,
    )
    if kind == "special":
        content = assemble_special(session, scope, report.title)
    elif kind == "bulletin":
        content = assemble_bulletin(session, scope, report.title)
    else:
        content = assemble_overview(session, scope, report.title)
    content["assembled_at"] = now.isoformat()
    return content


def create_draft(
    session: Session,
    series: ReportSeries,
    window: Window,
    actor: Actor,
    now: datetime,
    event_id: int | None = None,
) -> Report:
    """A new draft of ``series`` over ``window``, its figures assembled from the data."""
    require(actor, DRAFTERS, "起草报告")
    event = session.get(Event, event_id) if event_id is not None else None
    if event_id is not None and event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    if series.kind == "special" and event is None:
        raise BadInput(f"{series.name}需要指定一个事件")
    report = Report(
        series_id=series.id,
        title=_title(series, window, event),
        status=ReportStatus.DRAFT.value,
        window_start=window.start,
        window_end=window.end,
        event_id=event_id,
        created_by_id=actor.user_id,
    )
    session.add(report)
    session.flush()
    _save_version(session, report, _assemble(session, report, series.kind, window.tz, now), actor)
    _audit(session, actor, "report_drafted", report, series=series.code, window=window.label())
    return report


# ---------------------------------------------------------------- editing


def get_report(session: Session, report_id: int, *, lock: bool = False) -> Report:
    query = select(Report).where(Report.id == report_id).execution_options(populate_existing=True)
    report = session.scalar(query.with_for_update() if lock else query)
    if report is None:
        raise NotFound(f"报告 {report_id} 不存在")
    return report


def _editable(session: Session, report_id: int, expected_version: int | None) -> Report:
    report = get_report(session, report_id, lock=True)
    if report.status == ReportStatus.ISSUED.value:
        raise Conflict(f"报告 {report_id} 已签发，不能再修改")
    if report.status != ReportStatus.DRAFT.value:
        raise Conflict(f"报告 {report_id} 正在审核，退回草稿后才能修改")
    if (
        expected_version is not None
        and latest_version(session, report_id).version != expected_version
    ):
        raise Conflict(f"报告 {report_id} 已被他人修改，请刷新后再编辑")
    return report


def edit_sections(
    session: Session,
    report_id: int,
    actor: Actor,
    editor: dict[str, str],
    *,
    title: str | None = None,
    expected_version: int | None = None,
) -> ReportVersion:
    """Save the editor's sections (研判, 对策建议, 下一步工作) and title as a new version."""
    require(actor, DRAFTERS, "编辑报告")
    unknown = set(editor) - set(EDITOR_SECTIONS)
    if unknown:
        raise BadInput(f"报告 {report_id}：未知的编辑栏目 {'、'.join(sorted(unknown))}")
    if any(len(text) > MAX_EDITOR_TEXT for text in editor.values()):
        raise BadInput(f"报告 {report_id}：每个栏目最多 {MAX_EDITOR_TEXT} 字")
    report = _editable(session, report_id, expected_version)
    content = dict(latest_version(session, report_id).content)
    content["editor"] = {**content.get("editor", {}), **{k: v.strip() for k, v in editor.items()}}
    if title is not None:
        if not title.strip():
            raise BadInput(f"报告 {report_id}：标题不能为空")
        report.title = content["title"] = title.strip()
    version = _save_version(session, report, content, actor)
    _audit(session, actor, "report_edited", report, version=version.version)
    return version


def refresh(
    session: Session, report_id: int, actor: Actor, tz: ZoneInfo, now: datetime
) -> ReportVersion:
    """Re-assemble a draft's figures from the data, keeping the editor's text."""
    require(actor, DRAFTERS, "更新报告数据")
    report = _editable(session, report_id, None)
    previous = latest_version(session, report_id).content
    series = session.get(ReportSeries, report.series_id)
    assert series is not None
    content = _assemble(session, report, series.kind, tz, now)
    content["editor"] = previous.get("editor", content["editor"])
    version = _save_version(session, report, content, actor)
    _audit(session, actor, "report_refreshed", report, version=version.version)
    return version


# ---------------------------------------------------------------- sign-off


def _move(
    session: Session,
    report_id: int,
    actor: Actor,
    allowed_from: tuple[ReportStatus, ...],
    to: ReportStatus,
    action: str,
    **detail: Any,
) -> Report:
    report = _locked_in(session, report_id, allowed_from, action)
    return _transition(session, report, actor, to, action, **detail)


def _locked_in(
    session: Session, report_id: int, allowed_from: tuple[ReportStatus, ...], action: str
) -> Report:
    """The report, locked, if it is in one of the states ``action`` starts from."""
    report = get_report(session, report_id, lock=True)
    if report.status == ReportStatus.ISSUED.value:
        raise Conflict(f"报告 {report_id} 已签发（第{report.number}期），不能再改变")
    if report.status not in {s.value for s in allowed_from}:
        label = STATUS_LABELS[ReportStatus(report.status)]
        raise Conflict(f"报告 {report_id} 当前为“{label}”，不能{ACTION_LABELS[action]}")
    return report


def _transition(
    session: Session, report: Report, actor: Actor, to: ReportStatus, action: str, **detail: Any
) -> Report:
    report.status = to.value
    _save_version(session, report, dict(latest_version(session, report.id).content), actor)
    _audit(session, actor, action, report, **detail)
    return report


ACTION_LABELS = {
    "report_submitted": "提交审核",
    "report_returned": "退回",
    "report_approved": "审核通过",
    "report_issued": "签发",
}


def submit(session: Session, report_id: int, actor: Actor) -> Report:
    """Send a draft to the signer, once its editor sections are written (no placeholders)."""
    require(actor, DRAFTERS, "提交审核")
    report = _locked_in(session, report_id, (ReportStatus.DRAFT,), "report_submitted")
    _ready(session, report_id)
    return _transition(session, report, actor, ReportStatus.IN_REVIEW, "report_submitted")


def _ready(session: Session, report_id: int) -> None:
    content = latest_version(session, report_id).content
    require_ready(report_id, content, str(content.get("kind", "")))


def return_to_draft(session: Session, report_id: int, actor: Actor, reason: str = "") -> Report:
    require(actor, SIGNERS, "退回报告")
    allowed = (ReportStatus.IN_REVIEW, ReportStatus.APPROVED)
    return _move(
        session, report_id, actor, allowed, ReportStatus.DRAFT, "report_returned", reason=reason
    )


def approve(session: Session, report_id: int, actor: Actor) -> Report:
    require(actor, SIGNERS, "审核报告")
    return _move(
        session,
        report_id,
        actor,
        (ReportStatus.IN_REVIEW,),
        ReportStatus.APPROVED,
        "report_approved",
    )


def issue(
    session: Session,
    report_id: int,
    actor: Actor,
    now: datetime,
    *,
    seen_version: int | None = None,
) -> Report:
    """Number, sign and freeze an approved report, in one transaction; with
    ``seen_version``, only if that is still the version the signer previewed."""
    require(actor, SIGNERS, "签发报告")
    report = _locked_in(session, report_id, (ReportStatus.APPROVED,), "report_issued")
    _ready(session, report_id)
    latest = latest_version(session, report_id).version
    if seen_version is not None and seen_version != latest:
        raise Conflict(f"报告 {report_id} 已更新为第{latest}版，请重新查看成稿后再签发")
    report.number = take_number(session, report.series_id)
    report.issued_at = now
    report.issued_by_id = actor.user_id
    signer = session.get(User, actor.user_id) if actor.user_id is not None else None
    report.signer_name = signer.display_name if signer else actor.name
    return _transition(
        session, report, actor, ReportStatus.ISSUED, "report_issued", number=report.number
    )


def actor_for(session: Session, username: str) -> Actor:
    """The user ``username`` as an actor (for the command line and the demo)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound(f"用户 {username} 不存在或已停用")
    return Actor(user.id, user.display_name, frozenset(Role(r.role) for r in user.roles))
