"""The hierarchy page: units, their deadlines and officers; admins add units one by
one or import a CSV/XLSX sheet (with a dry run), and create officers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yuqing.network.cells import parse_deadline
from yuqing.network.imports import ImportResult, import_units
from yuqing.network.scope import Reach
from yuqing.network.units import (
    add_officer,
    create_unit,
    set_deadline,
    set_unit_active,
    unit_tree,
)
from yuqing.store.models import UNIT_KIND_LABELS
from yuqing.web.deps import (
    AdminUser,
    DeskUser,
    ReadSession,
    SettingsDep,
    TemplatesDep,
    WriteSession,
)
from yuqing.web.params import Id, parse_int
from yuqing.web.routes.network_common import now
from yuqing.web.uploads import imported_sheet

router = APIRouter()


def _page(
    request: Request,
    templates: TemplatesDep,
    user: object,
    session: ReadSession,
    result: ImportResult | None = None,
) -> Response:
    context = {
        "user": user,
        "tree": unit_tree(session, Reach.everywhere()),
        "kinds": {k.value: v for k, v in UNIT_KIND_LABELS.items()},
        "result": result,
        "quarantine_link": True,  # only admins import units
    }
    return templates.TemplateResponse(request, "network/units.html", context)


@router.get("/network/units", response_class=HTMLResponse)
def units_page(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    return _page(request, templates, user, session)


@router.post("/network/units")
def unit_add(
    user: AdminUser,
    session: WriteSession,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    parent: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
) -> Response:
    create_unit(
        session,
        name=name,
        kind=kind,
        parent_id=parse_int(parent),
        code=code,
        deadline=parse_deadline(deadline) if deadline.strip() else None,
        user_id=user.user_id,
    )
    return RedirectResponse("/network/units", status_code=303)


@router.post("/network/units/{unit_id}/deadline")
def unit_deadline(
    unit_id: Id, user: AdminUser, session: WriteSession, deadline: Annotated[str, Form()]
) -> Response:
    set_deadline(session, unit_id, parse_deadline(deadline), user.user_id)
    return RedirectResponse("/network/units", status_code=303)


@router.post("/network/units/{unit_id}/active")
def unit_active(
    unit_id: Id, user: AdminUser, session: WriteSession, active: Annotated[bool, Form()]
) -> Response:
    """Deactivate a unit (no longer expected to report from today) or reactivate it."""
    set_unit_active(session, unit_id, active, user.user_id, now=now())
    return RedirectResponse(f"/network/units#unit-{unit_id}", status_code=303)


@router.post("/network/units/import", response_class=HTMLResponse)
def units_import(
    request: Request,
    user: AdminUser,
    session: WriteSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    sheet: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """Import and show the result on the page: what was kept and each bad row."""
    result = imported_sheet(
        sheet,
        settings.import_max_rows,
        lambda path: import_units(session, path, user_id=user.user_id, dry_run=dry_run),
    )
    session.flush()
    return _page(request, templates, user, session, result)


@router.post("/network/officers")
def officer_add(
    user: AdminUser,
    session: WriteSession,
    unit: Annotated[Id, Form()],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    add_officer(
        session,
        unit_id=unit,
        username=username,
        password=password,
        display_name=display_name,
        email=email,
        user_id=user.user_id,
    )
    return RedirectResponse("/network/units", status_code=303)
