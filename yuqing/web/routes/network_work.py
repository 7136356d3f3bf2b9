"""The desk's network pages: tallies (with sheet uploads and, for admins, the metric
catalogue), directives, assessment."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.network.assessment import WEIGHT_LABELS, Weights, assess, load_weights, save_weights
from yuqing.network.directives import KINDS, directives, send_directive
from yuqing.network.imports import ImportResult, import_tallies
from yuqing.network.scope import Reach
from yuqing.network.tallies import (
    AUTO_SOURCES,
    add_metric,
    all_metrics,
    move_metric,
    rename_metric,
    set_metric_active,
    tally_summary,
)
from yuqing.network.units import unit_tree
from yuqing.store.models import FieldReport
from yuqing.web.deps import (
    AdminUser,
    DeskUser,
    ReadSession,
    SettingsDep,
    TemplatesDep,
    WriteSession,
)
from yuqing.web.params import Id, parse_date, parse_int
from yuqing.web.routes.network_common import now, window
from yuqing.web.security import Principal
from yuqing.web.uploads import imported_sheet

router = APIRouter()
CATALOGUE = "/network/tallies#catalogue"


def _tallies_page(
    request: Request,
    templates: TemplatesDep,
    user: Principal,
    session: Session,
    tz: ZoneInfo,
    view: tuple[str | None, str | None, str | None] = (None, None, None),
    result: ImportResult | None = None,
) -> Response:
    """The tallies page for ``view`` (start, end, unit from the query), with an
    import's ``result`` when one was just uploaded."""
    start, end, unit = view
    today = now().astimezone(tz).date()
    first, last = window(parse_date(start), parse_date(end), today)
    unit_id = parse_int(unit)
    tree = unit_tree(session, Reach.everywhere())
    # one column per unit one level below the chosen one (or the top units)
    top_depth = next((n.depth for n in tree if n.id == unit_id), -1) + 1
    columns = [
        n for n in tree if n.depth == top_depth and (unit_id is None or n.parent_id == unit_id)
    ]
    context = {
        "user": user,
        "start": first,
        "end": last,
        "unit_id": unit_id,
        "tree": tree,
        "summary": tally_summary(session, first, last, unit_id, tz=tz),
        "columns": columns,
        "by_column": {
            n.id: {
                line.metric_code: line for line in tally_summary(session, first, last, n.id, tz=tz)
            }
            for n in columns
        },
        "catalogue": all_metrics(session),
        "auto_sources": AUTO_SOURCES,
        "result": result,
        "quarantine_link": True,
    }
    return templates.TemplateResponse(request, "network/tallies.html", context)


@router.get("/network/tallies", response_class=HTMLResponse)
def tallies_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
    unit: Annotated[str | None, Query()] = None,
) -> Response:
    return _tallies_page(request, templates, user, session, settings.tz, (start, end, unit))


@router.post("/network/tallies/import", response_class=HTMLResponse)
def tallies_import(
    request: Request,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    sheet: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """The desk imports any unit's daily values; the page shows what was kept and why
    each bad row was refused (those are quarantined unless it was a dry run)."""
    reach = Reach.everywhere(user.user_id)
    result = imported_sheet(
        sheet,
        settings.import_max_rows,
        lambda path: import_tallies(
            session, path, reach=reach, now=now(), tz=settings.tz, dry_run=dry_run
        ),
    )
    session.flush()
    return _tallies_page(request, templates, user, session, settings.tz, result=result)


@router.post("/network/tallies/metrics")
def metric_add(
    user: AdminUser,
    session: WriteSession,
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
    measure: Annotated[str, Form()],
    category: Annotated[str, Form()] = "",
    auto_source: Annotated[str, Form()] = "",
) -> Response:
    add_metric(
        session,
        code,
        name,
        measure,
        category=category.strip() or None,
        auto_source=auto_source or None,
        user_id=user.user_id,
    )
    return RedirectResponse(CATALOGUE, status_code=303)


@router.post("/network/tallies/metrics/{metric_id}/rename")
def metric_rename(
    metric_id: Id,
    user: AdminUser,
    session: WriteSession,
    name: Annotated[str, Form()],
    measure: Annotated[str, Form()],
) -> Response:
    rename_metric(session, metric_id, name, measure, user.user_id)
    return RedirectResponse(CATALOGUE, status_code=303)


@router.post("/network/tallies/metrics/{metric_id}/move")
def metric_move(
    metric_id: Id,
    user: AdminUser,
    session: WriteSession,
    step: Annotated[int, Form(ge=-1000, le=1000)],
) -> Response:
    """One place up (step -1) or down (step 1) in the order forms and summaries use."""
    if step not in (-1, 1):
        raise BadInput(f"指标 {metric_id} 只能上移或下移一位")
    move_metric(session, metric_id, step, user.user_id)
    return RedirectResponse(CATALOGUE, status_code=303)


@router.post("/network/tallies/metrics/{metric_id}/active")
def metric_active(
    metric_id: Id, user: AdminUser, session: WriteSession, active: Annotated[bool, Form()]
) -> Response:
    set_metric_active(session, metric_id, active, user.user_id)
    return RedirectResponse(CATALOGUE, status_code=303)


@router.get("/network/directives", response_class=HTMLResponse)
def directives_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    context = {
        "user": user,
        "views": directives(session, Reach.everywhere()),
        "units": unit_tree(session, Reach.everywhere()),
        "kinds": KINDS,
        "now": now(),
    }
    return templates.TemplateResponse(request, "network/directives.html", context)


def _deadline(day: str, hour: str, tz: ZoneInfo) -> datetime | None:
    chosen = parse_date(day)
    if chosen is None:
        return None
    try:
        at = time.fromisoformat(hour or "17:00")
    except ValueError as exc:
        raise BadInput(f"截止时间应为 HH:MM：{hour}") from exc
    return datetime.combine(chosen, at, tzinfo=tz)


@router.post("/network/directives")
def directive_send(
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    kind: Annotated[str, Form()],
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    units: Annotated[list[int], Form()],
    deadline_day: Annotated[str, Form()] = "",
    deadline_time: Annotated[str, Form()] = "",
) -> Response:
    send_directive(
        session,
        kind=kind,
        title=title,
        body=body,
        unit_ids=units,
        deadline=_deadline(deadline_day, deadline_time, settings.tz),
        user_id=user.user_id,
        now=now(),
    )
    return RedirectResponse("/network/directives", status_code=303)


@router.get("/network/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
) -> Response:
    today = now().astimezone(settings.tz).date()
    if not start and not end:
        # Unasked, show the last week that has reports rather than an empty one.
        latest = session.scalar(select(func.max(FieldReport.report_date)))
        today = min(today, latest) if latest else today
    first, last = window(parse_date(start), parse_date(end), today)
    weights = load_weights(session)
    context = {
        "user": user,
        "start": first,
        "end": last,
        "scores": assess(session, first, last, settings.tz, weights, now=now()),
        "weights": weights,
        "weight_labels": WEIGHT_LABELS,
    }
    return templates.TemplateResponse(request, "network/assessment.html", context)


@router.post("/network/assessment/weights")
def weights_save(
    user: AdminUser,
    session: WriteSession,
    coverage: Annotated[float, Form()],
    on_time: Annotated[float, Form()],
    volume: Annotated[float, Form()],
    adoption: Annotated[float, Form()],
    tallies: Annotated[float, Form()],
    directives: Annotated[float, Form()],
) -> Response:
    weights = Weights(coverage, on_time, volume, adoption, tallies, directives)
    save_weights(session, weights, user.user_id)
    return RedirectResponse("/network/assessment", status_code=303)
