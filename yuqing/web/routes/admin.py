"""The admin's pages: 系统设置 (the admin's home), accounts, and the audit log."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.desk.audit import audit
from yuqing.desk.audit_log import MAX_EXPORT, OBJECTS, AuditFilters, action_choices, audit_rows
from yuqing.network.accounts import (
    ROLES,
    NewAccount,
    accounts,
    change_role,
    create_account,
    reset_password,
    set_active,
)
from yuqing.store.models import Unit
from yuqing.web.deps import AdminUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import Id, parse_date, parse_int

router = APIRouter()


def _units(session: ReadSession) -> list[tuple[int, str]]:
    rows = session.execute(select(Unit.id, Unit.name, Unit.path).order_by(Unit.path)).all()
    return [(i, "　" * max(path.count("/") - 2, 0) + name) for i, name, path in rows]


@router.get("/admin", response_class=HTMLResponse)
def admin_home(
    request: Request, user: AdminUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    people = accounts(session)
    context = {
        "user": user,
        "active": sum(1 for a in people if a.active),
        "inactive": sum(1 for a in people if not a.active),
        "recent": audit_rows(session, AuditFilters(), limit=10)[1],
    }
    return templates.TemplateResponse(request, "admin/home.html", context)


def _users_page(
    request: Request,
    user: AdminUser,
    session: ReadSession,
    templates: TemplatesDep,
    role: str = "",
    reset: tuple[str, str] | None = None,
) -> Response:
    context = {
        "user": user,
        "accounts": accounts(session, role=role),
        "roles": ROLES,
        "chosen": role,
        "units": _units(session),
        "reset": reset,  # (username, new password): shown once, never stored in the clear
    }
    return templates.TemplateResponse(request, "admin/users.html", context)


@router.get("/admin/users", response_class=HTMLResponse)
def user_list(
    request: Request, user: AdminUser, session: ReadSession, templates: TemplatesDep, role: str = ""
) -> Response:
    return _users_page(request, user, session, templates, role)


@router.post("/admin/users")
def user_create(
    user: AdminUser,
    session: WriteSession,
    username: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    display_name: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
) -> Response:
    new = NewAccount(username, display_name, role, parse_int(unit_id), password)
    create_account(session, new, user.user_id)
    return RedirectResponse("/admin/users?saved=user", status_code=303)


@router.post("/admin/users/{user_id}/role")
def user_role(
    user_id: Id,
    user: AdminUser,
    session: WriteSession,
    role: Annotated[str, Form()],
    unit_id: Annotated[str, Form()] = "",
) -> Response:
    change_role(session, user_id, role, parse_int(unit_id), user.user_id)
    return RedirectResponse("/admin/users?saved=user", status_code=303)


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def user_password(
    request: Request, user_id: Id, user: AdminUser, session: WriteSession, templates: TemplatesDep
) -> Response:
    """A new password, shown on this answer only (the page is not cached)."""
    username, password = reset_password(session, user_id, user.user_id)
    page = _users_page(request, user, session, templates, reset=(username, password))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/admin/users/{user_id}/active")
def user_active(
    user_id: Id, user: AdminUser, session: WriteSession, active: Annotated[str, Form()]
) -> Response:
    set_active(session, user_id, active == "true", user.user_id)
    return RedirectResponse("/admin/users?saved=user", status_code=303)


def _audit_filters(request: Request, settings: SettingsDep) -> AuditFilters:
    params = request.query_params
    since, until = parse_date(params.get("since")), parse_date(params.get("until"))
    return AuditFilters(
        who=params.get("who", "").strip(),
        action=params.get("action", "").strip(),
        object_type=params.get("object_type", "").strip(),
        object_id=params.get("object_id", "").strip(),
        since=datetime.combine(since, time(0), settings.tz) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(0), settings.tz) if until else None,
        page=max(parse_int(params.get("page")) or 1, 1),
    )


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: AdminUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    filters = _audit_filters(request, settings)
    total, rows = audit_rows(session, filters)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
    context = {
        "user": user,
        "filters": filters,
        "params": request.query_params,
        "total": total,
        "rows": rows,
        "pages": max(1, -(-total // 100)),
        "query": query,
        "actions": action_choices(session),
        "objects": OBJECTS,
    }
    return templates.TemplateResponse(request, "admin/audit.html", context)


@router.get("/admin/audit.csv")
def audit_export(
    request: Request, user: AdminUser, session: WriteSession, settings: SettingsDep
) -> Response:
    """The filtered log as CSV (UTF-8 with BOM, for Excel); the export is itself audited."""
    filters = _audit_filters(request, settings)
    _, rows = audit_rows(session, filters, limit=MAX_EXPORT)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["时间", "操作人", "操作", "操作代码", "对象", "对象编号", "详情", "来源地址"])
    for row in rows:
        writer.writerow(
            [
                row.at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M:%S"),
                row.who,
                row.label,
                row.action,
                row.object_label,
                row.object_id,
                row.detail_text,
                row.remote_addr,
            ]
        )
    audit(session, user.user_id, "audit.export", "audit", None, rows=len(rows))
    headers = {"Content-Disposition": "attachment; filename*=UTF-8''audit-log.csv"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
