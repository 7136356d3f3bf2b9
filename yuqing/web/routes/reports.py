"""Pages of the reports wing: the list, drafting, the report with its linked figures,
editing, sign-off, versions, the records behind a figure and the downloads.

Routes only translate HTTP to :mod:`yuqing.reports` calls; roles per step are checked
there (editor/analyst draft and submit, the signer approves and issues).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.jobs.retention import purges_since
from yuqing.reports import workflow as wf
from yuqing.reports.actions import distribute, draft_report, find_reports, take_step
from yuqing.reports.adoption import adopt_into, candidates
from yuqing.reports.event_choice import events_to_choose
from yuqing.reports.records import records
from yuqing.reports.render import document_for, render
from yuqing.reports.render_html import render_body
from yuqing.reports.series import describe_series
from yuqing.reports.versions import diff
from yuqing.store.models import Event, Report, ReportSeries
from yuqing.store.types import utcnow
from yuqing.web.deps import DbDep, DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import MAX_PAGE, Id, parse_date, parse_int
from yuqing.web.routes import reports_api
from yuqing.web.security import Principal

router = APIRouter()


def actor(user: Principal) -> wf.Actor:
    return wf.Actor(user.user_id, user.display_name, frozenset(user.roles))


def _back(report_id: Id, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/reports/{report_id}{anchor}", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def report_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    series: str = "",
    status: str = "",
) -> Response:
    all_series = session.scalars(select(ReportSeries).order_by(ReportSeries.id)).all()
    context = {
        "user": user,
        "series": all_series,
        "chosen": series,
        "status": status,
        "rows": _listed(session, series, status),
        "statuses": wf.STATUS_LABELS,
        "today": utcnow().astimezone(settings.tz).date().isoformat(),
        "hour": settings.report_window_hour,
    }
    return templates.TemplateResponse(request, "reports/list.html", context)


def _listed(session: ReadSession, series: str, status: str) -> list[tuple[Report, ReportSeries]]:
    """The list's rows; ``awaiting`` is what a signer has to act on (待审核 and 已审核)."""
    statuses = ("in_review", "approved") if status == "awaiting" else (status or None,)
    rows: list[tuple[Report, ReportSeries]] = []
    for one in statuses:
        rows += find_reports(session, series=series or None, status=one, limit=200).rows
    return rows


@router.get("/reports/new", response_class=HTMLResponse)
def new_report_form(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    event_id: Annotated[str | None, Query()] = None,
    series: Annotated[str, Query()] = "special",
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The form for a new report: a special report (专报) on an event picked from a
    searchable list (?q=, or ?event_id= preselected), or a bulletin or period report
    over chosen days (?series=bulletin&start=…&end=…)."""
    chosen = describe_series(session, series)
    event = session.get(Event, parse_int(event_id)) if event_id else None
    choices = events_to_choose(session, q) if chosen.kind == "special" else []
    last = parse_date(end) or utcnow().astimezone(settings.tz).date()
    first = parse_date(start) or last - timedelta(days=6)
    context = {
        "user": user,
        "series": chosen,
        "event": event,
        "event_id": event_id or "",
        "choices": choices,
        "q": q,
        "start": first.isoformat(),
        "end": last.isoformat(),
    }
    return templates.TemplateResponse(request, "reports/new.html", context)


@router.post("/reports")
def create_report(
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    series: Annotated[str, Form()],
    day: Annotated[str, Form()] = "",
    event_id: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    report = draft_report(
        session,
        settings,
        series,
        actor(user),
        utcnow(),
        day=parse_date(day),
        event_id=parse_int(event_id),
        start=parse_date(start),
        end=parse_date(end),
    )
    return _back(report.id)


@router.get("/reports/{report_id}.{fmt}")
def download(
    report_id: Id,
    fmt: str,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    inline: bool = False,
) -> Response:
    """The report as a file; ``inline`` shows it in the page (the signer's preview)."""
    doc = document_for(session, report_id, settings)
    out = render(doc, fmt)
    # An ASCII name for old clients, the Chinese one (RFC 5987) for the rest.
    how = "inline" if inline else "attachment"
    disposition = (
        f"{how}; filename=report-{report_id}.{fmt}; filename*=UTF-8''{quote(out.filename)}"
    )
    headers = {"Content-Disposition": disposition}
    if inline:  # the signer's preview frames it in this site's own report page, nowhere else
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return Response(out.data, media_type=out.media_type, headers=headers)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_view(
    request: Request,
    report_id: Id,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    doc = document_for(session, report_id, settings)
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
        # Field reports are adopted into daily and period reports, not into a bulletin.
        "candidates": candidates(session, report_id, settings.tz)
        if draft and doc.kind != "bulletin"
        else [],
        "mail_ready": bool(settings.smtp_host and settings.report_recipients),
    }
    return templates.TemplateResponse(request, "reports/view.html", context)


@router.post("/reports/{report_id}/edit")
def edit_report(
    report_id: Id,
    user: DeskUser,
    session: WriteSession,
    version: Annotated[Id, Form()],
    title: Annotated[str, Form()],
    judgement: Annotated[str, Form()] = "",
    suggestions: Annotated[str, Form()] = "",
    next_steps: Annotated[str, Form()] = "",
) -> Response:
    editor = {"judgement": judgement, "suggestions": suggestions, "next_steps": next_steps}
    wf.edit_sections(session, report_id, actor(user), editor, title=title, expected_version=version)
    return _back(report_id)


@router.post("/reports/{report_id}/adopt")
def adopt_field_reports(
    report_id: Id,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
    field_report: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI reads the default only
) -> Response:
    ids = [int(v) for v in field_report if v.isdigit() and len(v) < 19]
    with db.transaction() as session:
        adopt_into(session, report_id, ids, actor(user), settings.tz, utcnow())
    return _back(report_id, "#sec-network")


@router.post("/reports/{report_id}/{step}")
def move_report(
    report_id: Id,
    step: str,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
    reason: Annotated[str, Form()] = "",
    seen: Annotated[str, Form()] = "",
) -> Response:
    """Workflow steps: submit, approve, return, issue (of the version the signer saw),
    refresh, distribute."""
    if step == "distribute":
        distribute(db, settings, report_id, actor(user))
    else:
        with db.transaction() as session:
            take_step(
                session,
                report_id,
                step,
                actor(user),
                settings,
                utcnow(),
                reason,
                seen_version=parse_int(seen),
            )
    return _back(report_id)


@router.get("/reports/{report_id}/diff", response_class=HTMLResponse)
def report_diff(
    request: Request,
    report_id: Id,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    old: Annotated[int, Query(ge=1, le=MAX_PAGE)],
    new: Annotated[int, Query(ge=1, le=MAX_PAGE)],
) -> Response:
    context = {
        "user": user,
        "report": wf.get_report(session, report_id),
        "old": old,
        "new": new,
        "lines": diff(session, report_id, old, new, settings.tz),
    }
    return templates.TemplateResponse(request, "reports/diff.html", context)


@router.get("/reports/{report_id}/records", response_class=HTMLResponse)
def figure_records(
    request: Request,
    report_id: Id,
    key: Annotated[str, Query(min_length=1, max_length=300)],
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """The records a figure of the report counts."""
    report = wf.get_report(session, report_id)
    context = {
        "user": user,
        "report": report,
        "key": key,
        "result": records(session, report, key, settings.tz, page),
        "tz": settings.tz,
        "purges": purges_since(session, report.window_start),
    }
    return templates.TemplateResponse(request, "reports/records.html", context)


# The JSON API's routes join this router itself, so that app.py's one entry serves them
# and the access audit, which walks routes, sees them.
router.routes.extend(reports_api.router.routes)
