"""/my/unit: the officer's page, made for a phone — today's status and deadline,
the one-click zero report, the report form, the day's tallies (and corrections of a
past day) or a sheet of them to upload, directives to acknowledge and complete.
Officers act for their own unit only; they read their unit's subtree."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.network.cells import parse_value
from yuqing.network.compliance import STATUS_LABELS, unit_compliance
from yuqing.network.directives import acknowledge, complete, directives
from yuqing.network.field_reports import (
    CATEGORIES,
    MAX_ATTACHMENT_BYTES,
    URGENCIES,
    ReportDraft,
    ReportFilters,
    Upload,
    file_report,
    file_zero_report,
    list_reports,
)
from yuqing.network.imports import ImportResult, import_tallies
from yuqing.network.resubmits import just_filed
from yuqing.network.tallies import day_values, history, metrics, record_tally
from yuqing.store.models import Role, TallyMetric, Unit
from yuqing.web.deps import FormFields, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import Id, parse_date
from yuqing.web.routes.network_common import Officer, now, officer_reach_of
from yuqing.web.security import Principal
from yuqing.web.uploads import imported_sheet, read_limited

router = APIRouter()


def _my_unit_page(
    request: Request,
    templates: TemplatesDep,
    user: Principal,
    session: Session,
    tz: ZoneInfo,
    day: str | None = None,
    result: ImportResult | None = None,
    typed: dict[str, str] | None = None,
    tally_error: str = "",
) -> Response:
    """The officer's page (tallies of ``day``), with a sheet import's ``result``, or
    the tally form as typed with the reason it was refused."""
    reach = officer_reach_of(session, user)
    moment = now()
    today = moment.astimezone(tz).date()
    tally_day = parse_date(day) or today
    unit = reach.require_act(session, reach.home_unit_id or 0)
    standing = next(
        (d for d in unit_compliance(session, today, tz, moment) if d.unit_id == unit.id),
        None,
    )
    recent = ReportFilters(start=today - timedelta(days=13), include_zero=True, limit=50)
    context = {
        "user": user,
        "unit": unit,
        "today": today,
        "standing": standing,
        "labels": STATUS_LABELS,
        "deadline": unit.report_deadline.strftime("%H:%M"),
        "categories": CATEGORIES,
        "urgencies": URGENCIES,
        "reports": list_reports(session, reach, recent),
        "tally_day": tally_day,
        "metrics": metrics(session, typed_only=True),
        "values": day_values(session, unit.id, tally_day),
        "history": [e for e in history(session, reach, unit.id, tally_day) if e.superseded_by_id],
        "directives": [
            (view.directive, next(t for t in view.targets if t.unit_id == unit.id))
            for view in directives(session, reach)
            if any(t.unit_id == unit.id for t in view.targets)
        ],
        "result": result,
        "typed": typed or {},
        "tally_error": tally_error,
        "quarantine_link": user.has(Role.ANALYST, Role.EDITOR, Role.SIGNER),
    }
    status = 422 if tally_error else 200
    return templates.TemplateResponse(request, "network/my_unit.html", context, status_code=status)


@router.get("/my/unit", response_class=HTMLResponse)
def my_unit(
    request: Request,
    user: Officer,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    day: Annotated[str | None, Query()] = None,
) -> Response:
    return _my_unit_page(request, templates, user, session, settings.tz, day)


@router.post("/my/unit/tallies/import", response_class=HTMLResponse)
def tallies_import(
    request: Request,
    user: Officer,
    session: WriteSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    sheet: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """The officer's own unit's daily values from a sheet; rows naming another unit
    are refused with the reason (and quarantined, unless it was a dry run)."""
    reach = officer_reach_of(session, user)
    result = imported_sheet(
        sheet,
        settings.import_max_rows,
        lambda path: import_tallies(
            session, path, reach=reach, now=now(), tz=settings.tz, dry_run=dry_run
        ),
    )
    session.flush()
    return _my_unit_page(request, templates, user, session, settings.tz, result=result)


@router.post("/my/unit/zero")
def zero_report(user: Officer, session: WriteSession, settings: SettingsDep) -> Response:
    file_zero_report(session, officer_reach_of(session, user), now=now(), tz=settings.tz)
    return RedirectResponse("/my/unit?saved=zero", status_code=303)


@router.post("/my/unit/reports")
def report_submit(
    user: Officer,
    session: WriteSession,
    settings: SettingsDep,
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    category: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    draft = ReportDraft(title, body, category or None, place or None, urgency or None)
    if just_filed(session, user.user_id, draft, now()):
        return RedirectResponse("/my/unit?saved=duplicate", status_code=303)
    uploads = []
    for upload in files or []:
        if not upload.filename:
            continue  # the browser sends an empty part when no file was chosen
        data = read_limited(upload, MAX_ATTACHMENT_BYTES)
        uploads.append(
            Upload(upload.filename, upload.content_type or "application/octet-stream", data)
        )
    file_report(
        session,
        officer_reach_of(session, user),
        draft,
        now=now(),
        tz=settings.tz,
        uploads=uploads,
        attachments_dir=settings.data_dir / "attachments",
    )
    return RedirectResponse("/my/unit?saved=report", status_code=303)


@router.post("/my/unit/tallies", response_class=HTMLResponse)
def tallies_submit(
    request: Request,
    form: FormFields,
    user: Officer,
    session: WriteSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """The tally form: a field ``m<metric id>`` per metric; blank fields are skipped.
    A value that cannot be read saves nothing and gives the form back as typed."""
    typed = {key: str(value) for key, value in form.items()}
    day = parse_date(typed.get("day", "")) or now().astimezone(settings.tz).date()
    reach = officer_reach_of(session, user)
    unit = session.get(Unit, reach.home_unit_id or 0)
    if unit is None:
        raise BadInput("找不到您的单位")
    note = typed.get("note", "") or None
    values: list[tuple[TallyMetric, float]] = []
    try:
        for metric in metrics(session, typed_only=True):
            raw = typed.get(f"m{metric.id}", "").strip()
            if raw:
                values.append((metric, _value(metric, raw)))
    except BadInput as exc:
        tz, shown = settings.tz, day.isoformat()
        return _my_unit_page(
            request, templates, user, session, tz, shown, typed=typed, tally_error=exc.message
        )
    for metric, value in values:
        record_tally(
            session, reach, unit.id, metric, day, value, now=now(), tz=settings.tz, note=note
        )
    return RedirectResponse(f"/my/unit?day={day.isoformat()}&saved=tally#tallies", status_code=303)


def _value(metric: TallyMetric, raw: str) -> float:
    try:
        return parse_value(raw)
    except BadInput as exc:
        raise BadInput(f"{metric.name}：{exc.message}") from exc


@router.post("/my/unit/directives/{directive_id}/ack")
def directive_ack(directive_id: Id, user: Officer, session: WriteSession) -> Response:
    reach = officer_reach_of(session, user)
    acknowledge(session, reach, directive_id, reach.home_unit_id or 0, now=now())
    return RedirectResponse("/my/unit?saved=ack#directives", status_code=303)


@router.post("/my/unit/directives/{directive_id}/complete")
def directive_complete(
    directive_id: Id, user: Officer, session: WriteSession, note: Annotated[str, Form()]
) -> Response:
    reach = officer_reach_of(session, user)
    complete(session, reach, directive_id, reach.home_unit_id or 0, note=note, now=now())
    return RedirectResponse("/my/unit?saved=done#directives", status_code=303)
