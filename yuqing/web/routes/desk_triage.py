"""Triage pages: the queue with bulk actions and saved views, and an item's triage controls."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.desk import factchecks, triage, views
from yuqing.desk.queue import FLAGS, KINDS, QueueFilters, triage_queue
from yuqing.errors import BadInput
from yuqing.store.models import Role, User, UserRole
from yuqing.web.deps import DeskUser, ReadSession, TemplatesDep, WriteSession
from yuqing.web.item_page import next_in_queue
from yuqing.web.params import Id, parse_int

router = APIRouter()
BULK_ACTIONS = ("status", "severity", "assign", "tag", "untag")


def back(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def desk_people(session: ReadSession) -> list[tuple[int, str]]:
    rows = session.execute(
        select(User.id, User.display_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_((Role.ANALYST.value, Role.EDITOR.value)), User.active.is_(True))
        .distinct()
        .order_by(User.display_name)
    ).all()
    return [(i, name) for i, name in rows]


@router.get("/triage", response_class=HTMLResponse)
def triage_page(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    filters = QueueFilters.parse(request.query_params)
    context = {
        "user": user,
        "filters": filters,
        "queue": triage_queue(session, filters, user.user_id),
        "views": views.my_views(session, user.user_id),
        "statuses": triage.STATUSES,
        "severities": triage.SEVERITIES,
        "flags": FLAGS,
        "kinds": KINDS,
        "people": desk_people(session),
        "query": filters.query_string(),
    }
    rows = "desk/_triage_events.html" if filters.kind == "event" else "desk/_triage_rows.html"
    name = rows if request.headers.get("HX-Request") else "desk/triage.html"
    return templates.TemplateResponse(request, name, context)


@router.get("/triage/next")
def triage_next(request: Request, user: DeskUser, session: ReadSession) -> Response:
    """The queue's next item after ``after`` that nobody else holds (下一条)."""
    params = request.query_params
    filters = QueueFilters.parse(params)
    after = parse_int(params.get("after")) or 0
    found = next_in_queue(session, filters, after, user.user_id)
    query = filters.query_string()
    if found is None:
        return back(f"/triage?{query}&saved=queue_done" if query else "/triage?saved=queue_done")
    return back(f"/items/{found}?{urlencode({'queue': query})}")


@router.post("/triage/bulk")
def triage_bulk(
    user: DeskUser,
    session: WriteSession,
    action: Annotated[str, Form()],
    ids: Annotated[list[Id], Form()] = [],  # noqa: B006 - FastAPI reads the default only
    value: Annotated[str, Form()] = "",
    query: Annotated[str, Form()] = "",
    kind: Annotated[triage.Kind, Form()] = "item",
) -> Response:
    if action == "status":
        triage.set_status(session, ids, value, user.user_id, kind=kind)
    elif action == "severity":
        triage.set_severity(session, ids, value, user.user_id, kind=kind)
    elif kind == "event":
        raise BadInput(f"事件不支持批量操作“{action}”，只能设置状态或严重程度")
    elif action == "assign":
        triage.assign(session, ids, int(value) if value else None, user.user_id)
    elif action in ("tag", "untag"):
        triage.tag(session, ids, value, user.user_id, remove=action == "untag")
    else:
        raise BadInput(f"未知的批量操作：{action}")
    return back(f"/triage?{query}")


@router.post("/triage/views")
def view_save(
    user: DeskUser,
    session: WriteSession,
    name: Annotated[str, Form()],
    query: Annotated[str, Form()] = "",
) -> Response:
    views.save_view(session, user.user_id, name, query)
    return back(f"/triage?{query}")


@router.post("/triage/views/{view_id}/delete")
def view_delete(view_id: Id, user: DeskUser, session: WriteSession) -> Response:
    views.delete_view(session, user.user_id, view_id)
    return back("/triage")


@router.post("/items/{item_id}/lock")
def item_lock(item_id: Id, user: DeskUser, session: WriteSession) -> Response:
    triage.take_lock(session, item_id, user.user_id)
    return back(f"/items/{item_id}")


@router.post("/items/{item_id}/unlock")
def item_unlock(item_id: Id, user: DeskUser, session: WriteSession) -> Response:
    triage.release_lock(session, item_id, user.user_id)
    return back(f"/items/{item_id}")


@router.post("/items/{item_id}/triage")
def item_triage(
    item_id: Id,
    user: DeskUser,
    session: WriteSession,
    status: Annotated[str, Form()] = "",
    severity: Annotated[str | None, Form()] = None,
    tag: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """One form for an item's status, severity, a new tag and a note; each only if given."""
    if status:
        triage.set_status(session, [item_id], status, user.user_id)
    if severity is not None:
        triage.set_severity(session, [item_id], severity, user.user_id)
    if tag.strip():
        triage.tag(session, [item_id], tag, user.user_id)
    if note.strip():
        triage.add_note(session, item_id, note, user.user_id)
    return back(f"/items/{item_id}")


@router.post("/items/{item_id}/claims/{claim_id}")
def item_claim(
    item_id: Id,
    claim_id: Id,
    user: DeskUser,
    session: WriteSession,
    decision: Annotated[str, Form()],
) -> Response:
    if decision not in ("confirm", "reject"):
        raise BadInput(f"未知的比对结论：{decision}")
    factchecks.decide_match(session, user.user_id, item_id, claim_id, confirm=decision == "confirm")
    return back(f"/items/{item_id}")


@router.post("/events/{event_id}/lock")
def event_lock(event_id: Id, user: DeskUser, session: WriteSession) -> Response:
    triage.take_lock(session, event_id, user.user_id, kind="event")
    return back(f"/events/{event_id}")


@router.post("/events/{event_id}/unlock")
def event_unlock(event_id: Id, user: DeskUser, session: WriteSession) -> Response:
    triage.release_lock(session, event_id, user.user_id, kind="event")
    return back(f"/events/{event_id}")


@router.post("/events/{event_id}/triage")
def event_triage(
    event_id: Id,
    user: DeskUser,
    session: WriteSession,
    status: Annotated[str, Form()] = "",
    severity: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form()] = "",
) -> Response:
    """An event's status, severity and a note; each only if given."""
    if status:
        triage.set_status(session, [event_id], status, user.user_id, kind="event")
    if severity is not None:
        triage.set_severity(session, [event_id], severity, user.user_id, kind="event")
    if note.strip():
        triage.add_note(session, event_id, note, user.user_id, kind="event")
    return back(f"/events/{event_id}")
