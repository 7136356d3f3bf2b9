"""Field reports (社会舆情信息): what officers hear people around them are concerned
about, filed from the form, the API or e-mail; zero reports (今日无情况); and the
desk's adoption (采用) of a report into one of its own reports.

These are what people say offline, in the unit's area — not online posts, which
arrive as items from public sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from yuqing.collect.mailbox import save_attachment
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.scope import Reach
from yuqing.store.models import Attachment, AuditEntry, FieldReport, Report, Unit
from yuqing.text.pii import redact

CATEGORIES = (
    "疫情防控",
    "核酸检测",
    "物资保障",
    "市场价格",
    "交通出行",
    "就医需求",
    "教育教学",
    "复工复产",
    "网络谣言",
    "群众情绪",
    "其他",
)
URGENCIES = ("一般", "较大", "重大")
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class ReportDraft:
    """What an officer types into the form; ``day`` defaults to today (local)."""

    title: str
    body: str
    category: str | None = None
    place: str | None = None
    urgency: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ReportFilters:
    start: date | None = None
    end: date | None = None
    unit_id: int | None = None  # that unit's subtree
    category: str | None = None
    urgency: str | None = None
    adopted: bool | None = None
    include_zero: bool = False
    limit: int = 200
    offset: int = 0  # rows to skip, for paging (newest first)


@dataclass(frozen=True)
class ReportRow:
    report: FieldReport
    unit_name: str
    attachments: int


def _day(requested: date | None, now: datetime, tz: ZoneInfo) -> date:
    today = now.astimezone(tz).date()
    day = requested or today
    if day > today:
        raise BadInput(f"报送日期 {day} 晚于今天 {today}：不能预先报送")
    return day


def _choice(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and value not in allowed:
        raise BadInput(f"{what} {value!r} 不在可选范围内：{'、'.join(allowed)}")
    return value


def _check_draft(draft: ReportDraft) -> tuple[str, str]:
    title, body = draft.title.strip(), draft.body.strip()
    if not title:
        raise BadInput("信息标题不能为空")
    if not body:
        raise BadInput(f"信息 {title!r} 的内容不能为空")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise BadInput(f"信息 {title[:30]!r} 过长：标题最多 {MAX_TITLE} 字，内容最多 {MAX_BODY} 字")
    return title, body


def file_report(
    session: Session,
    reach: Reach,
    draft: ReportDraft,
    *,
    now: datetime,
    tz: ZoneInfo,
    unit_id: int | None = None,
    via: str = "web",
    uploads: Sequence[Upload] = (),
    attachments_dir: Path | None = None,
) -> FieldReport:
    """File a report for the user's own unit (or ``unit_id`` where the reach allows);
    personal data in the text is redacted before it is stored."""
    unit = reach.require_act(session, _unit_of(reach, unit_id))
    title, body = _check_draft(draft)
    _check_uploads(uploads, attachments_dir, reach.user_id)
    report = FieldReport(
        unit_id=unit.id,
        officer_id=reach.user_id,
        report_date=_day(draft.day, now, tz),
        is_zero=False,
        category=_choice(draft.category, CATEGORIES, "类别"),
        urgency=_choice(draft.urgency, URGENCIES, "紧急程度"),
        place=redact(draft.place.strip()).text[:200]
        if draft.place and draft.place.strip()
        else None,
        title=redact(title).text,
        body=redact(body).text,
        submitted_at=now,
        via=via,
    )
    session.add(report)
    session.flush()
    if uploads and attachments_dir is not None and reach.user_id is not None:
        for upload in uploads:
            session.add(
                save_attachment(
                    upload.filename,
                    upload.content_type,
                    upload.data,
                    attachments_dir,
                    report.id,
                    reach.user_id,
                )
            )
    _audit(session, reach.user_id, "field_report_filed", report, {"unit_id": unit.id, "via": via})
    return report


def file_zero_report(
    session: Session,
    reach: Reach,
    *,
    now: datetime,
    tz: ZoneInfo,
    day: date | None = None,
    unit_id: int | None = None,
    via: str = "web",
) -> FieldReport:
    """今日无情况 in one click; pressing it twice files one zero report."""
    unit = reach.require_act(session, _unit_of(reach, unit_id))
    report_day = _day(day, now, tz)
    filed = list(
        session.scalars(
            select(FieldReport).where(
                FieldReport.unit_id == unit.id, FieldReport.report_date == report_day
            )
        )
    )
    if any(not r.is_zero for r in filed):
        raise Conflict(f"{unit.name} {report_day} 已报送信息，无需再报“今日无情况”")
    if filed:
        return filed[0]
    report = FieldReport(
        unit_id=unit.id,
        officer_id=reach.user_id,
        report_date=report_day,
        is_zero=True,
        submitted_at=now,
        via=via,
    )
    session.add(report)
    session.flush()
    _audit(session, reach.user_id, "zero_report_filed", report, {"unit_id": unit.id, "via": via})
    return report


def adopt(
    session: Session,
    field_report_id: int,
    user_id: int | None,
    target_report_id: int | None,
    *,
    now: datetime,
) -> FieldReport:
    """Mark a field report adopted (采用) by the desk, linked to the report it went into."""
    report = session.get(FieldReport, field_report_id)
    if report is None:
        raise NotFound(f"报送信息 {field_report_id} 不存在")
    if report.is_zero:
        raise BadInput(f"报送信息 {field_report_id} 是零报告，不能采用")
    if target_report_id is not None and session.get(Report, target_report_id) is None:
        raise NotFound(f"报告 {target_report_id} 不存在，无法关联报送信息 {field_report_id}")
    report.adopted = True
    report.adopted_at = report.adopted_at or now
    report.adopted_report_id = target_report_id or report.adopted_report_id
    _audit(session, user_id, "field_report_adopted", report, {"report_id": target_report_id})
    return report


def get_report(session: Session, reach: Reach, report_id: int) -> FieldReport:
    report = session.get(FieldReport, report_id)
    if report is None:
        raise NotFound(f"报送信息 {report_id} 不存在")
    reach.require_read(session, report.unit_id)
    return report


def attachments_of(session: Session, report_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == "field_report", Attachment.owner_id == report_id)
            .order_by(Attachment.id)
        )
    )


def list_reports(session: Session, reach: Reach, filters: ReportFilters) -> list[ReportRow]:
    """Field reports the user may read, newest first: ``filters.limit`` of them after
    skipping ``filters.offset``."""
    rows = session.execute(
        select(FieldReport, Unit.name)
        .join(Unit, Unit.id == FieldReport.unit_id)
        .where(*_conditions(session, reach, filters))
        .order_by(FieldReport.submitted_at.desc(), FieldReport.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    counts = _attachment_counts(session, [r.id for r, _ in rows])
    return [ReportRow(r, name, counts.get(r.id, 0)) for r, name in rows]


def count_reports(session: Session, reach: Reach, filters: ReportFilters) -> int:
    """How many reports ``list_reports`` pages through (limit and offset aside)."""
    query = (
        select(func.count(FieldReport.id))
        .join(Unit, Unit.id == FieldReport.unit_id)
        .where(*_conditions(session, reach, filters))
    )
    return int(session.scalar(query) or 0)


def _conditions(
    session: Session, reach: Reach, filters: ReportFilters
) -> list[ColumnElement[bool]]:
    """WHERE clauses over field reports joined to their units: reach and filters."""
    found = [reach.unit_filter()]
    if not filters.include_zero:
        found.append(~FieldReport.is_zero)
    if filters.start:
        found.append(FieldReport.report_date >= filters.start)
    if filters.end:
        found.append(FieldReport.report_date <= filters.end)
    if filters.unit_id is not None:
        top = reach.require_read(session, filters.unit_id)
        found.append(Unit.path.startswith(top.path, autoescape=True))
    if filters.category:
        found.append(FieldReport.category == filters.category)
    if filters.urgency:
        found.append(FieldReport.urgency == filters.urgency)
    if filters.adopted is not None:
        found.append(FieldReport.adopted == filters.adopted)
    return found


def _attachment_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    owners = session.scalars(
        select(Attachment.owner_id).where(
            Attachment.owner_type == "field_report", Attachment.owner_id.in_(ids)
        )
    )
    counts: dict[int, int] = {}
    for owner in owners:
        counts[owner] = counts.get(owner, 0) + 1
    return counts


def _unit_of(reach: Reach, unit_id: int | None) -> int:
    chosen = unit_id if unit_id is not None else reach.home_unit_id
    if chosen is None:
        raise BadInput("请指定报送单位")
    return chosen


def _check_uploads(uploads: Sequence[Upload], folder: Path | None, user_id: int | None) -> None:
    if uploads and (folder is None or user_id is None):
        raise BadInput("附件需由登录的信息员上传，并配置数据目录")
    if len(uploads) > MAX_ATTACHMENTS:
        raise BadInput(f"附件最多 {MAX_ATTACHMENTS} 个，收到 {len(uploads)} 个")
    for upload in uploads:
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            raise BadInput(f"附件 {upload.filename!r} 超过 10 MB")


def _audit(
    session: Session,
    user_id: int | None,
    action: str,
    report: FieldReport,
    detail: dict[str, object],
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type="field_report",
            object_id=str(report.id),
            detail=detail,
        )
    )
