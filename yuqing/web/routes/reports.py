"""Pages of the reports wing: the list, drafting, the report with its linked figures,
editing, sign-off, versions, the records behind a figure and the downloads.

Routes only translate HTTP to :mod:`yuqing.reports` calls; roles per step are checked
there (editor/analyst draft and submit, the signer approves and issues).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.config import Settings
from yuqing.errors import NotFound
from yuqing.reports import workflow as wf
from yuqing.reports.adoption import adopt_into, candidates
from yuqing.reports.distribution import send_report
from yuqing.reports.records import records
from yuqing.reports.render import default_unit, load_document, render
from yuqing.reports.render_html import render_body
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.versions import diff
from yuqing.store.db import Database
from yuqing.store.models import Event, Report, ReportSeries
from yuqing.store.types import utcnow
from yuqing.web.deps import DbDep, DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import parse_date, parse_int
from yuqing.web.security import Principal

router = APIRouter()


def actor(user: Principal) -> wf.Actor:
    return wf.Actor(user.user_id, user.display_name, frozenset(user.roles))


def _back(report_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/reports/{report_id}{anchor}", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def report_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    series: str = "",
) -> Response:
    all_series = session.scalars(select(ReportSeries).order_by(ReportSeries.id)).all()
    query = select(Report, ReportSeries).join(ReportSeries, ReportSeries.id == Report.series_id)
    if series:
        query = query.where(ReportSeries.code == series)
    rows = session.execute(
        query.order_by(Report.window_end.desc(), Report.id.desc()).limit(200)
    ).all()
    context = {
        "user": user,
        "series": all_series,
        "chosen": series,
        "rows": rows,
        "statuses": wf.STATUS_LABELS,
        "today": utcnow().astimezone(settings.tz).date().isoformat(),
        "hour": settings.report_window_hour,
    }
    return templates.TemplateResponse(request, "reports/list.html", context)


@router.get("/reports/new", response_class=HTMLResponse)
def new_report_form(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    templates: TemplatesDep,
    event_id: Annotated[str | None, Query()] = None,
) -> Response:
    """The form for a new report; with ?event_id= a special report (专报) on that event."""
    event = session.get(Event, parse_int(event_id)) if event_id else None
    context = {"user": user, "event": event, "event_id": event_id or ""}
    return templates.TemplateResponse(request, "reports/new.html", context)


@router.post("/reports")
def create_report(
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    series: Annotated[str, Form()],
    day: Annotated[str, Form()] = "",
    event_id: Annotated[str, Form()] = "",
) -> Response:
    ensure_default_series(session, default_unit(settings))
    row = get_series(session, series)
    event = parse_int(event_id)
    window = wf.window_for(
        row, settings.tz, settings.report_window_hour, parse_date(day), event, session
    )
    report = wf.create_draft(session, row, window, actor(user), utcnow(), event)
    return _back(report.id)


@router.get("/reports/{report_id}.{fmt}")
def download(
    report_id: int, fmt: str, user: DeskUser, session: ReadSession, settings: SettingsDep
) -> Response:
    doc = load_document(session, report_id, settings.tz, default_unit(settings))
    out = render(doc, fmt)
    # An ASCII name for old clients, the Chinese one (RFC 5987) for the rest.
    disposition = (
        f"attachment; filename=report-{report_id}.{fmt}; filename*=UTF-8''{quote(out.filename)}"
    )
    return Response(
        out.data, media_type=out.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_view(
    request: Request,
    report_id: int,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    doc = load_document(session, report_id, settings.tz, default_unit(settings))
    report = wf.get_report(session, report_id)
    versions = wf.versions(session, report_id)
    me = actor(user)
    draft = report.status == "draft"
    context = {
        "user": user,
        "report": report,
        "doc": doc,
        "body": render_body(doc, links=True, charts="echarts"),
        "editor": versions[-1].content.get("editor", {}),
        "version": versions[-1].version,
        "versions": versions,
        "statuses": wf.STATUS_LABELS,
        "can_draft": me.may(wf.DRAFTERS),
        "can_sign": me.may(wf.SIGNERS),
        "draft": draft,
        "candidates": candidates(session, report_id, settings.tz) if draft else [],
        "mail_ready": bool(settings.smtp_host and settings.report_recipients),
    }
    return templates.TemplateResponse(request, "reports/view.html", context)


@router.post("/reports/{report_id}/edit")
def edit_report(
    report_id: int,
    user: DeskUser,
    session: WriteSession,
    version: Annotated[int, Form()],
    title: Annotated[str, Form()],
    judgement: Annotated[str, Form()] = "",
    suggestions: Annotated[str, Form()] = "",
    next_steps: Annotated[str, Form()] = "",
) -> Response:
    editor = {"judgement": judgement, "suggestions": suggestions, "next_steps": next_steps}
    wf.edit_sections(session, report_id, actor(user), editor, title=title, expected_version=version)
    return _back(report_id)


@router.post("/reports/{report_id}/refresh")
def refresh_report(
    report_id: int, user: DeskUser, session: WriteSession, settings: SettingsDep
) -> Response:
    wf.refresh(session, report_id, actor(user), settings.tz, utcnow())
    return _back(report_id)


@router.post("/reports/{report_id}/adopt")
async def adopt_field_reports(
    request: Request,
    report_id: int,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
) -> Response:
    form = await request.form()
    ids = [int(str(v)) for v in form.getlist("field_report") if str(v).isdigit()]
    with db.transaction() as session:
        adopt_into(session, report_id, ids, actor(user), settings.tz, utcnow())
    return _back(report_id, "#sec-network")


@router.post("/reports/{report_id}/{step}")
def move_report(
    report_id: int,
    step: str,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Workflow steps: submit, approve, return, issue, distribute."""
    who = actor(user)
    if step == "distribute":
        return _distribute(db, settings, report_id, who)
    with db.transaction() as session:
        if step == "submit":
            wf.submit(session, report_id, who)
        elif step == "approve":
            wf.approve(session, report_id, who)
        elif step == "return":
            wf.return_to_draft(session, report_id, who, reason.strip())
        elif step == "issue":
            wf.issue(session, report_id, who, utcnow())
        else:
            raise NotFound(f"未知的操作 {step}")
    return _back(report_id)


def _distribute(db: Database, settings: Settings, report_id: int, who: wf.Actor) -> Response:
    wf.require(who, wf.SIGNERS, "分发报告")
    with db.reading() as session:
        doc = load_document(session, report_id, settings.tz, default_unit(settings))
    send_report(db, settings, doc, user_id=who.user_id)
    return _back(report_id)


@router.get("/reports/{report_id}/diff", response_class=HTMLResponse)
def report_diff(
    request: Request,
    report_id: int,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int, Query(ge=1)],
) -> Response:
    context = {
        "user": user,
        "report": wf.get_report(session, report_id),
        "old": old,
        "new": new,
        "lines": diff(session, report_id, old, new, settings.tz),
    }
    return templates.TemplateResponse(request, "reports/diff.html", context)


@router.get("/reports/{report_id}/records/{key:path}", response_class=HTMLResponse)
def figure_records(
    request: Request,
    report_id: int,
    key: str,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """The records a figure of the report counts."""
    report = wf.get_report(session, report_id)
    context = {
        "user": user,
        "report": report,
        "key": key,
        "result": records(session, report, key, settings.tz, page),
        "tz": settings.tz,
    }
    return templates.TemplateResponse(request, "reports/records.html", context)
