"""Typed dependencies so that a route reads as what it needs and does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.store.db import Database
from yuqing.web.security import ADMINS, ANY_USER, DESK, Principal


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


async def form_fields(request: Request) -> dict[str, str]:
    """A form's text fields by name (the last value of a repeated one), for forms whose
    field names are data; parsed here so that the route itself can be sync."""
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def read_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.reading() as session:
        yield session


def write_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.transaction() as session:
        yield session


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
ReadSession = Annotated[Session, Depends(read_session)]
# Commit before the response leaves: a browser following the redirect must see the write.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
FormFields = Annotated[dict[str, str], Depends(form_fields)]
DeskUser = Annotated[Principal, Depends(DESK)]
AnyUser = Annotated[Principal, Depends(ANY_USER)]
AdminUser = Annotated[Principal, Depends(ADMINS)]
