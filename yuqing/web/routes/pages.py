"""The desk's pages: the item list with search and filters, one item."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.errors import NotFound
from yuqing.store.models import ITEM_STATUS_LABELS, Item
from yuqing.web.deps import AnyUser, DbDep, DeskUser, ReadSession, SettingsDep, TemplatesDep
from yuqing.web.homes import home_for
from yuqing.web.item_analysis import item_analysis, item_triage
from yuqing.web.item_lookup import look_up
from yuqing.web.item_page import copies, heading, open_for_triage
from yuqing.web.item_search import event_title, filter_choices, topic_names
from yuqing.web.params import Id, ItemFiltersDep
from yuqing.web.security import ANY_USER, Principal

router = APIRouter()


@router.get("/", dependencies=[Depends(ANY_USER)])
def home(user: AnyUser) -> Response:
    """Each role lands on its own work (see :mod:`yuqing.web.homes`)."""
    return RedirectResponse(home_for(user), status_code=303)


PLACING = ("page", "after_id", "before_id")


@router.get("/items", response_class=HTMLResponse)
def item_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    filters: ItemFiltersDep,
) -> Response:
    found = look_up(session, filters, settings.tz)
    context = {
        "user": user,
        "filters": filters,
        "result": found.result,
        "lookup": found,
        "choices": filter_choices(session, settings.topics),
        "event_title": event_title(session, filters.event),
        "statuses": ITEM_STATUS_LABELS,
        "tz": settings.tz,
        "query_string": str(request.query_params),
        # The filters without the page's place, for 上一页/下一页 to add theirs.
        "page_query": urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k not in PLACING]
        ),
    }
    # HTMX asks for the results only; a plain request gets the whole page.
    name = "_item_results.html" if request.headers.get("HX-Request") else "items.html"
    return templates.TemplateResponse(request, name, context)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_detail(
    request: Request,
    item_id: Id,
    user: DeskUser,
    db: DbDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    queue: str = "",
) -> Response:
    """One item; opening it takes its lock. ``queue`` is the triage queue's query string
    when it was opened from there: back and 下一条 then stay in that queue."""
    open_for_triage(db, item_id, user)
    with db.reading() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise NotFound(f"条目 {item_id} 不存在")
        context = _item_context(session, item, user, settings)
        context["queue"] = queue
        context["from_queue"] = "queue" in request.query_params
        return templates.TemplateResponse(request, "item.html", context)


def _item_context(
    session: Session, item: Item, user: Principal, settings: Settings
) -> dict[str, object]:
    return {
        "user": user,
        "item": item,
        "analysis": item_analysis(session, item, settings.topics),
        "topic_names": topic_names(settings.topics),
        "triage": item_triage(session, item, user.user_id),
        "statuses": ITEM_STATUS_LABELS,
        "tz": settings.tz,
        "heading": heading(item.title, item.text_original),
        "copies": copies(session, item.id) if item.copy_count else [],
    }
