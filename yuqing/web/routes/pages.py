"""The desk's pages: the item list with search and filters, one item."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yuqing.errors import NotFound
from yuqing.store.models import ITEM_STATUS_LABELS, Item
from yuqing.web.deps import AnyUser, DeskUser, ReadSession, SettingsDep, TemplatesDep
from yuqing.web.item_analysis import item_analysis, item_triage
from yuqing.web.item_search import event_title, filter_choices, find_items, topic_names
from yuqing.web.params import ItemFiltersDep
from yuqing.web.security import ANY_USER

router = APIRouter()


@router.get("/", dependencies=[Depends(ANY_USER)])
def home(user: AnyUser) -> Response:
    return RedirectResponse("/items", status_code=303)


@router.get("/items", response_class=HTMLResponse)
def item_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    filters: ItemFiltersDep,
) -> Response:
    result = find_items(session, filters.to_query(session, settings.tz))
    context = {
        "user": user,
        "filters": filters,
        "result": result,
        "choices": filter_choices(session, settings.topics),
        "event_title": event_title(session, filters.event),
        "statuses": ITEM_STATUS_LABELS,
        "tz": settings.tz,
        "query_string": str(request.query_params),
    }
    # HTMX asks for the results only; a plain request gets the whole page.
    name = "_item_results.html" if request.headers.get("HX-Request") else "items.html"
    return templates.TemplateResponse(request, name, context)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_detail(
    request: Request,
    item_id: int,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"条目 {item_id} 不存在")
    context = {
        "user": user,
        "item": item,
        "analysis": item_analysis(session, item, settings.topics),
        "topic_names": topic_names(settings.topics),
        "triage": item_triage(session, item, user.user_id),
        "statuses": ITEM_STATUS_LABELS,
        "tz": settings.tz,
    }
    return templates.TemplateResponse(request, "item.html", context)
