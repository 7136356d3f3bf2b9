"""The JSON API under /api, described by OpenAPI at /api/openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from yuqing.errors import NotFound
from yuqing.store.models import Item
from yuqing.store.search import ItemQuery, Sort
from yuqing.text import matching_form
from yuqing.web.api_docs import described
from yuqing.web.deps import AnyUser, DeskUser, ReadSession
from yuqing.web.item_search import find_items
from yuqing.web.params import MAX_ID, Id
from yuqing.web.security import ANY_USER, PUBLIC

router = APIRouter(prefix="/api")


class Me(BaseModel):
    username: str
    display_name: str
    unit_id: Id | None
    roles: list[str]


class ItemOut(BaseModel):
    id: int
    source: str | None
    kind: str
    url: str | None
    title: str | None
    text: str
    author: str | None
    script: str
    published_at: datetime
    likes: int
    reposts: int
    comments: int
    views: int
    topic: str | None
    sentiment: str | None
    status: str
    duplicate_of_id: Id | None
    event_id: Id | None

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls(
            id=item.id,
            source=item.source.name if item.source else None,
            kind=item.kind,
            url=item.url,
            title=item.title,
            text=item.text_original,
            author=item.author,
            script=item.script,
            published_at=item.published_at,
            likes=item.likes,
            reposts=item.reposts,
            comments=item.comments,
            views=item.views,
            topic=item.topic,
            sentiment=item.sentiment,
            status=item.status,
            duplicate_of_id=item.duplicate_of_id,
            event_id=item.event_id,
        )


class ItemList(BaseModel):
    total: int
    offset: int
    items: list[ItemOut]
    total_capped: bool = False  # true: more than ``total`` match (counting stops there)


@router.get("/health", dependencies=[Depends(PUBLIC)])
def health() -> dict[str, str]:
    """Liveness for a load balancer; says nothing about the data."""
    return {"status": "ok"}


@router.get("/me")
def me(user: AnyUser) -> Me:
    return Me(
        username=user.username,
        display_name=user.display_name,
        unit_id=user.unit_id,
        roles=sorted(user.roles),
    )


@router.get("/items")
def list_items(
    user: DeskUser,
    session: ReadSession,
    q: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    source: Annotated[list[Id], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    unit: Annotated[list[Id], Query()] = [],  # noqa: B006
    topic: Annotated[list[str], Query()] = [],  # noqa: B006
    status: Annotated[list[str], Query()] = [],  # noqa: B006
    sort: Sort = "time",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ItemList:
    """Search items: any-length Chinese query in either script, with filters.
    Times without a zone are refused."""
    query = ItemQuery(
        text=matching_form(q),
        since=since,
        until=until,
        source_ids=source,
        unit_ids=unit,
        topics=topic,
        statuses=status,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    page = find_items(session, query)
    items = [ItemOut.of(i) for i in page.items]
    return ItemList(total=page.total, offset=offset, items=items, total_capped=page.capped)


@router.get("/items/{item_id}")
def get_item(item_id: Id, user: DeskUser, session: ReadSession) -> ItemOut:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"item {item_id} does not exist")
    return ItemOut.of(item)


@router.get("/openapi.json", include_in_schema=False, dependencies=[Depends(ANY_USER)])
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(described(request.app))


@router.get("/docs", include_in_schema=False, dependencies=[Depends(ANY_USER)])
def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="舆情信息工作平台 接口",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
