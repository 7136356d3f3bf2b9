"""Case pages: the desk's list, opening a case from an item or event, one case with its
replies (the responder's view is scoped to their department), closure, attachments."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from yuqing.desk import cases
from yuqing.desk.attachments import MAX_BYTES as ATTACHMENT_BYTES
from yuqing.desk.attachments import Upload
from yuqing.desk.mail_replies import reply_subject
from yuqing.desk.privacy import open_privacy_case
from yuqing.errors import BadInput, NotFound
from yuqing.store.models import Attachment, Event, Item, Role
from yuqing.store.types import utcnow
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.formats import previewable
from yuqing.web.params import Id, parse_date, parse_int
from yuqing.web.security import Principal, allow
from yuqing.web.uploads import read_limited

router = APIRouter()
CASE_READERS = allow(Role.ANALYST, Role.EDITOR, Role.SIGNER, Role.RESPONDER)
Responder = Annotated[Principal, Depends(allow(Role.RESPONDER))]
CaseReader = Annotated[Principal, Depends(CASE_READERS)]
DEFAULT_DAYS = 2


@router.get("/cases", response_class=HTMLResponse)
def case_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    templates: TemplatesDep,
    status: str = "",
    department: str = "",
) -> Response:
    viewer = cases.viewer_for(session, user.user_id)
    rows = cases.list_cases(session, viewer, status=status, department=parse_int(department))
    context = {
        "user": user,
        "cases": rows,
        "names": {c.id: cases.department_name(session, c) for c in rows},
        "departments": cases.departments(session),
        "status": status,
        "department": department,
        "labels": cases.STATUS_LABELS,
        "kinds": cases.KIND_LABELS,
        "now": utcnow(),
        "query": str(request.query_params),
    }
    return templates.TemplateResponse(request, "desk/cases.html", context)


@router.get("/my/cases", response_class=HTMLResponse)
def my_cases(
    request: Request, user: Responder, session: ReadSession, templates: TemplatesDep
) -> Response:
    viewer = cases.viewer_for(session, user.user_id)
    rows = cases.list_cases(session, viewer)
    context = {
        "user": user,
        "cases": rows,
        "names": {c.id: cases.department_name(session, c) for c in rows},
        "labels": cases.STATUS_LABELS,
        "kinds": cases.KIND_LABELS,
        "now": utcnow(),
    }
    return templates.TemplateResponse(request, "desk/my_cases.html", context)


@router.get("/cases/new", response_class=HTMLResponse)
def case_form(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    item_id: str = "",
    event_id: str = "",
) -> Response:
    item = session.get(Item, parse_int(item_id)) if item_id else None
    event = session.get(Event, parse_int(event_id)) if event_id else None
    due = (utcnow() + timedelta(days=DEFAULT_DAYS)).astimezone(settings.tz).date()
    context = {
        "user": user,
        "item": item,
        "event": event,
        "departments": cases.departments(session),
        "suggested": cases.suggest_department(session, item),
        "title": (item.title or item.text_original[:40])
        if item
        else (event.title if event else ""),
        "due": due.isoformat(),
    }
    return templates.TemplateResponse(request, "desk/case_new.html", context)


def _title(item: Item | None, event: Event | None) -> str:
    if item is not None:
        return item.title or item.text_original[:40]
    return event.title if event is not None else ""


@router.post("/cases")
def case_open(
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    title: Annotated[str, Form()],
    department_id: Annotated[Id, Form()],
    deadline: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    item_id: Annotated[str, Form()] = "",
    event_id: Annotated[str, Form()] = "",
) -> Response:
    day = parse_date(deadline)
    if day is None:
        raise BadInput("请填写办理期限")
    case = cases.open_case(
        session,
        user.user_id,
        title=title,
        department_id=department_id,
        # A deadline day means the end of that local working day.
        deadline=datetime.combine(day, time(18, 0), settings.tz),
        description=description,
        item_id=parse_int(item_id),
        event_id=parse_int(event_id),
    )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.post("/items/{item_id}/privacy-case")
def privacy_case(
    item_id: Id, user: DeskUser, session: WriteSession, settings: SettingsDep
) -> Response:
    case = open_privacy_case(session, settings, user.user_id, item_id)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: Id, user: CaseReader, session: ReadSession, templates: TemplatesDep
) -> Response:
    viewer = cases.viewer_for(session, user.user_id)
    case = cases.get_case(session, viewer, case_id)
    context = {
        "user": user,
        "case": case,
        "desk": viewer.sees_all,
        "department": cases.department_name(session, case),
        "replies": cases.replies(session, case.id),
        "item": session.get(Item, case.item_id) if case.item_id else None,
        "labels": cases.STATUS_LABELS,
        "kinds": cases.KIND_LABELS,
        "subject": reply_subject(case),
        "now": utcnow(),
    }
    return templates.TemplateResponse(request, "desk/case.html", context)


@router.post("/cases/{case_id}/reply")
def case_reply(
    case_id: Id,
    user: CaseReader,
    session: WriteSession,
    settings: SettingsDep,
    body: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI reads the default only
) -> Response:
    uploads = [
        Upload(f.filename or "附件", f.content_type or "", read_limited(f, ATTACHMENT_BYTES))
        for f in files
        if f.size
    ]
    viewer = cases.viewer_for(session, user.user_id)
    cases.reply(session, viewer, case_id, body, folder=settings.data_dir, uploads=uploads)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/close")
def case_close(
    case_id: Id, user: DeskUser, session: WriteSession, outcome: Annotated[str, Form()] = ""
) -> Response:
    cases.close_case(session, user.user_id, case_id, outcome)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def case_attachment(
    case_id: Id,
    attachment_id: Id,
    user: CaseReader,
    session: ReadSession,
    settings: SettingsDep,
    inline: str = "",
) -> Response:
    """The file; ``inline=1`` shows an image in the page instead of downloading it."""
    viewer = cases.viewer_for(session, user.user_id)
    cases.get_case(session, viewer, case_id)
    attachment = session.get(Attachment, attachment_id)
    reply_ids = {r.id for r, _, _ in cases.replies(session, case_id)}
    if (
        attachment is None
        or attachment.owner_type != "case_reply"
        or (attachment.owner_id not in reply_ids)
    ):
        raise NotFound(f"附件 {attachment_id} 不存在")
    path = Path(settings.data_dir) / attachment.storage_path
    shown = "inline" if inline and previewable(attachment.content_type) else "attachment"
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.filename,
        content_disposition_type=shown,
    )
