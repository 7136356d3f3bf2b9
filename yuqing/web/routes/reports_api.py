"""JSON API of the reports wing under /api/reports: list, read (figures with the links
to their records), draft, edit and the sign-off steps, with the pages' roles and audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from yuqing.reports import workflow as wf
from yuqing.reports.actions import distribute, draft_report, find_reports, take_step
from yuqing.reports.records import records
from yuqing.store.models import Report, ReportSeries, ReportStatus
from yuqing.store.types import utcnow
from yuqing.web.deps import DbDep, DeskUser, ReadSession, SettingsDep, WriteSession
from yuqing.web.params import MAX_ID, MAX_PAGE, Id
from yuqing.web.security import Principal

router = APIRouter(prefix="/api/reports")


def actor(user: Principal) -> wf.Actor:
    return wf.Actor(user.user_id, user.display_name, frozenset(user.roles))


class ReportOut(BaseModel):
    id: int
    series: str
    series_name: str
    kind: str
    number: int | None = Field(description="第N期, fixed when issued")
    title: str
    status: str
    status_label: str
    window_start: datetime
    window_end: datetime
    event_id: Id | None
    issued_at: datetime | None
    signer_name: str | None
    page: str

    @classmethod
    def of(cls, report: Report, series: ReportSeries) -> ReportOut:
        return cls(
            id=report.id,
            series=series.code,
            series_name=series.name,
            kind=series.kind,
            number=report.number,
            title=report.title,
            status=report.status,
            status_label=wf.STATUS_LABELS[ReportStatus(report.status)],
            window_start=report.window_start,
            window_end=report.window_end,
            event_id=report.event_id,
            issued_at=report.issued_at,
            signer_name=report.signer_name,
            page=f"/reports/{report.id}",
        )


class ReportList(BaseModel):
    total: int
    offset: int
    reports: list[ReportOut]


class FigureOut(BaseModel):
    label: str
    value: float
    unit: str
    records: str = Field(description="the records this figure counts (JSON)")
    page: str = Field(description="the same records as a page")


class VersionOut(BaseModel):
    version: int
    status: str
    created_at: datetime
    created_by_id: Id | None


class ReportDetail(ReportOut):
    version: int
    window_label: str
    figures: dict[str, FigureOut]
    sections: list[dict[str, Any]]
    charts: dict[str, dict[str, Any]]
    editor: dict[str, str]
    versions: list[VersionOut]


class RecordOut(BaseModel):
    title: str
    href: str | None
    when: datetime | None
    note: str


class RecordsOut(BaseModel):
    key: str
    label: str
    total: int
    page: int
    pages: int
    records: list[RecordOut]


class DraftIn(BaseModel):
    series: str = Field(default="daily", description="series code: daily, weekly, bulletin …")
    day: date | None = Field(default=None, description="daily report date, or a day of the period")
    start: date | None = Field(default=None, description="first day (period reports, bulletins)")
    end: date | None = Field(default=None, description="last day, inclusive")
    event_id: Id | None = Field(default=None, description="the event of a special report")


class EditIn(BaseModel):
    version: int | None = Field(default=None, description="the version edited, to refuse stale")
    title: str | None = Field(default=None, max_length=300)
    judgement: str | None = None
    suggestions: str | None = None
    next_steps: str | None = None


class StepIn(BaseModel):
    reason: str = Field(default="", max_length=2000, description="why it is returned")


class SentOut(BaseModel):
    recipients: list[str]
    attachments: list[str]


def _out(session: Session, report: Report) -> ReportOut:
    series = session.get(ReportSeries, report.series_id)
    assert series is not None
    return ReportOut.of(report, series)


@router.get("")
def api_list_reports(
    user: DeskUser,
    session: ReadSession,
    series: Annotated[str | None, Query(description="series code")] = None,
    status: Annotated[str | None, Query(description="draft, in_review, approved, issued")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ReportList:
    found = find_reports(session, series=series, status=status, limit=limit, offset=offset)
    reports = [ReportOut.of(report, row) for report, row in found.rows]
    return ReportList(total=found.total, offset=offset, reports=reports)


@router.post("", status_code=201)
def api_draft_report(
    body: DraftIn, user: DeskUser, session: WriteSession, settings: SettingsDep
) -> ReportOut:
    report = draft_report(
        session,
        settings,
        body.series,
        actor(user),
        utcnow(),
        day=body.day,
        event_id=body.event_id,
        start=body.start,
        end=body.end,
    )
    return _out(session, report)


@router.get("/{report_id}")
def api_report(report_id: Id, user: DeskUser, session: ReadSession) -> ReportDetail:
    """The latest version's content; every figure with the link to its records."""
    report = wf.get_report(session, report_id)
    history = wf.versions(session, report_id)
    content = history[-1].content if history else {}
    figures = {
        key: FigureOut(
            label=str(f.get("label", key)),
            value=float(f.get("value", 0)),
            unit=str(f.get("unit", "")),
            records=f"/api/reports/{report_id}/records?key={quote(key, safe=':')}",
            page=f"/reports/{report_id}/records?key={quote(key, safe=':')}",
        )
        for key, f in content.get("figures", {}).items()
    }
    return ReportDetail(
        **_out(session, report).model_dump(),
        version=history[-1].version if history else 0,
        window_label=str(content.get("window", {}).get("label", "")),
        figures=figures,
        sections=list(content.get("sections", [])),
        charts=dict(content.get("charts", {})),
        editor={k: str(v) for k, v in content.get("editor", {}).items()},
        versions=[
            VersionOut(
                version=v.version,
                status=v.status,
                created_at=v.created_at,
                created_by_id=v.created_by_id,
            )
            for v in history
        ],
    )


@router.get("/{report_id}/records")
def api_figure_records(
    report_id: Id,
    key: Annotated[str, Query(min_length=1, max_length=300, description="figure key")],
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> RecordsOut:
    """The records a figure counts, a page at a time."""
    found = records(session, wf.get_report(session, report_id), key, settings.tz, page)
    return RecordsOut(
        key=key,
        label=found.label,
        total=found.total,
        page=found.page,
        pages=found.pages,
        records=[
            RecordOut(title=r.title, href=r.href, when=r.when, note=r.note) for r in found.rows
        ],
    )


@router.post("/{report_id}/edit")
def api_edit_report(
    report_id: Id, body: EditIn, user: DeskUser, session: WriteSession
) -> ReportOut:
    """Save the editor's sections and title as a new version (drafts only)."""
    editor = {
        key: value
        for key, value in (
            ("judgement", body.judgement),
            ("suggestions", body.suggestions),
            ("next_steps", body.next_steps),
        )
        if value is not None
    }
    wf.edit_sections(
        session, report_id, actor(user), editor, title=body.title, expected_version=body.version
    )
    return _out(session, wf.get_report(session, report_id))


@router.post("/{report_id}/distribute")
def api_distribute_report(
    report_id: Id, user: DeskUser, db: DbDep, settings: SettingsDep
) -> SentOut:
    """E-mail an issued report (DOCX and PDF) to the distribution list (signer)."""
    sent = distribute(db, settings, report_id, actor(user))
    return SentOut(recipients=sent.recipients, attachments=sent.attachments)


@router.post("/{report_id}/{action}")
def api_report_step(
    report_id: Id,
    action: str,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
    body: StepIn | None = None,
) -> ReportOut:
    """Sign-off steps: submit, approve, return (with a reason), issue; and refresh, which
    brings a draft's figures up to date. Each by its role, audited."""
    with db.transaction() as session:
        report = take_step(
            session,
            report_id,
            action,
            actor(user),
            settings,
            utcnow(),
            body.reason if body else "",
        )
        return _out(session, report)
