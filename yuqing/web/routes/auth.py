"""Log in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.network.people import check_password
from yuqing.store.models import AuditEntry, User
from yuqing.web.deps import SettingsDep, TemplatesDep, WriteSession
from yuqing.web.security import ANY_USER, COOKIE, PUBLIC, close_session, open_session

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a login to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
def login_form(request: Request, templates: TemplatesDep, next: str = "/") -> Response:
    return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[Depends(PUBLIC)])
def login(
    request: Request,
    session: WriteSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = session.scalar(select(User).where(User.username == username.strip()))
    client = request.client.host if request.client else None
    if user is None or not user.active or not check_password(user, password):
        session.add(
            AuditEntry(
                action="login_failed", detail={"username": username[:64]}, remote_addr=client
            )
        )
        context = {"next": _safe_next(next), "error": "用户名或密码错误", "username": username}
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    token = open_session(session, user, settings.session_hours, request.headers.get("user-agent"))
    session.add(AuditEntry(action="login", user_id=user.id, remote_addr=client))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Depends(ANY_USER)])
def logout(request: Request, session: WriteSession) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        close_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
