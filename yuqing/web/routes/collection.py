"""Collection as the desk sees it: sources and their health, the quarantine, manual entry."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.fetch import Fetcher
from yuqing.collect.health import source_health
from yuqing.collect.manual import add_manual_item
from yuqing.collect.preview import SourcePreview, preview_policy, preview_source
from yuqing.collect.sources import SourceSpec, parse_spec, upsert_source
from yuqing.errors import BadInput
from yuqing.store.models import AuditEntry, QuarantineEntry, Source
from yuqing.store.types import utcnow
from yuqing.web.deps import (
    AdminUser,
    DeskUser,
    ReadSession,
    SettingsDep,
    TemplatesDep,
    WriteSession,
)
from yuqing.web.params import Id
from yuqing.web.security import Principal

router = APIRouter()
PAGE = 100
SOURCE_KINDS = {
    "rss": "RSS/Atom 订阅",
    "web": "新闻网站（列表页+文章页）",
    "file": "导出文件（JSONL/CSV/XLSX）",
    "partner": "合作单位数据（网址）",
    "mail": "信息员邮箱",
    "manual": "人工录入",
}


@router.get("/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    return _sources_page(request, user, session, templates)


def _sources_page(
    request: Request,
    user: Principal,
    session: Session,
    templates: Jinja2Templates,
    typed: dict[str, str] | None = None,
    error: str = "",
    preview: SourcePreview | None = None,
    trying: bool = False,
) -> Response:
    """The sources; after a refused save, the form as typed with the reason."""
    young = utcnow() - timedelta(days=8)
    context = {
        "user": user,
        "health": source_health(session),
        "kinds": SOURCE_KINDS,
        # Sources younger than the week a daily mean needs show none rather than 0.
        "young": set(session.scalars(select(Source.id).where(Source.created_at > young))),
        "typed": typed or {},
        "form_error": error,
        "preview": preview,
        "trying": trying,
    }
    status = 422 if error else 200
    return templates.TemplateResponse(request, "sources.html", context, status_code=status)


def _json_problem(exc: json.JSONDecodeError) -> str:
    where = f"第 {exc.lineno} 行第 {exc.colno} 个字符附近"
    return f"配置不是有效的 JSON：{where}有误（请检查引号、逗号和括号）"


class SourceForm(BaseModel):
    """The source form as typed; the common settings have fields of their own, the rest
    is the advanced JSON."""

    name: str
    kind: str
    url: str = ""
    interval_minutes: int = Field(60, ge=1, le=525600)
    link_selector: str = ""
    path: str = ""
    config: str = "{}"
    is_public_outlet: bool = False
    allow_private: bool = False

    def typed(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.model_dump().items() if v not in (False, "")}

    def spec(self) -> SourceSpec:
        """The settings, or BadInput naming in words what is wrong with them."""
        try:
            extra = json.loads(self.config or "{}")
        except json.JSONDecodeError as exc:
            raise BadInput(_json_problem(exc)) from None
        if not isinstance(extra, dict):
            raise BadInput("高级配置须是 JSON 对象，即写在 { } 中的键和值")
        for key in ("link_selector", "path"):
            if value := getattr(self, key).strip():
                extra[key] = value
        return parse_spec(
            {
                "name": self.name.strip(),
                "kind": self.kind,
                "url": self.url.strip() or None,
                "interval_minutes": self.interval_minutes,
                "config": extra,
                "is_public_outlet": self.is_public_outlet,
                "allow_private": self.allow_private,
            }
        )


@router.post("/sources")
def source_save(
    request: Request,
    user: AdminUser,
    session: WriteSession,
    templates: TemplatesDep,
    form: Annotated[SourceForm, Form()],
) -> Response:
    """Create or update a source by name (admins only: the allow-list is a security choice).
    A mistake gives the form back as typed, with the reason in words."""
    try:
        spec = form.spec()
    except BadInput as exc:
        return _sources_page(request, user, session, templates, form.typed(), exc.message)
    source = upsert_source(session, spec)
    session.add(
        AuditEntry(
            user_id=user.user_id,
            action="source_saved",
            object_type="source",
            object_id=str(source.id),
            detail={"name": spec.name, "kind": spec.kind.value},
        )
    )
    return RedirectResponse("/sources?saved=source", status_code=303)


@router.post("/sources/preview", response_class=HTMLResponse)
def source_preview(
    request: Request,
    user: AdminUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    form: Annotated[SourceForm, Form()],
) -> Response:
    """A test fetch with the settings as typed: the first records, nothing saved."""
    try:
        spec = form.spec()
    except BadInput as exc:
        typed = form.typed()
        return _sources_page(request, user, session, templates, typed, exc.message, trying=True)
    policy = preview_policy(settings.user_agent, settings.fetch_interval)
    with Fetcher(policy) as fetcher:
        preview = preview_source(spec, fetcher, settings.tz)
    return _sources_page(request, user, session, templates, form.typed(), preview=preview)


@router.get("/quarantine", response_class=HTMLResponse)
def quarantine_page(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    entries = session.scalars(
        select(QuarantineEntry)
        .where(QuarantineEntry.resolved_at.is_(None))
        .order_by(QuarantineEntry.id.desc())
        .limit(PAGE)
    ).all()
    return templates.TemplateResponse(
        request, "quarantine.html", {"user": user, "entries": entries}
    )


@router.get("/items/new", response_class=HTMLResponse)
def manual_form(request: Request, user: DeskUser, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "item_new.html", {"user": user})


@router.post("/items/new")
def manual_submit(
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    text: Annotated[str, Form()],
    url: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
) -> Response:
    item_id, _created = add_manual_item(
        session,
        text=text,
        url=url.strip() or None,
        title=title.strip() or None,
        secret=settings.resolved_secret_key(),
        user_id=user.user_id,
    )
    return RedirectResponse(f"/items/{item_id}", status_code=303)


class SourceOut(BaseModel):
    id: int
    name: str
    kind: str
    state: str
    enabled: bool
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    items_last_day: int
    items_per_day: float


class QuarantineOut(BaseModel):
    id: int
    created_at: datetime
    source_id: Id | None
    origin: str
    position: str | None
    reason: str


class ManualItemIn(BaseModel):
    text: str = Field(min_length=1, max_length=200_000)
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None


class ManualItemOut(BaseModel):
    id: int
    created: bool


@router.get("/api/sources")
def api_sources(user: DeskUser, session: ReadSession) -> list[SourceOut]:
    return [
        SourceOut(
            id=h.id,
            name=h.name,
            kind=h.kind,
            state=h.state,
            enabled=h.enabled,
            last_success_at=h.last_success_at,
            last_error_at=h.last_error_at,
            last_error=h.last_error,
            items_last_day=h.items_last_day,
            items_per_day=h.items_per_day,
        )
        for h in source_health(session)
    ]


@router.get("/api/quarantine")
def api_quarantine(user: DeskUser, session: ReadSession) -> list[QuarantineOut]:
    entries = session.scalars(
        select(QuarantineEntry)
        .where(QuarantineEntry.resolved_at.is_(None))
        .order_by(QuarantineEntry.id.desc())
        .limit(PAGE)
    )
    return [
        QuarantineOut(
            id=e.id,
            created_at=e.created_at,
            source_id=e.source_id,
            origin=e.origin,
            position=e.position,
            reason=e.reason,
        )
        for e in entries
    ]


@router.post("/api/items", status_code=201)
def api_manual_item(
    body: ManualItemIn, user: DeskUser, session: WriteSession, settings: SettingsDep
) -> ManualItemOut:
    """Enter an item seen in public by hand; the same link or text twice gives the same id."""
    item_id, created = add_manual_item(
        session,
        text=body.text,
        url=body.url,
        title=body.title,
        published_at=body.published_at,
        secret=settings.resolved_secret_key(),
        user_id=user.user_id,
    )
    return ManualItemOut(id=item_id, created=created)
