"""Log in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from yuqing.network.people import check_password
from yuqing.store.models import User
from yuqing.store.types import utcnow
from yuqing.web import throttle
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
    name = username.strip()[:100]
    client = request.client.host if request.client else None
    context = {"next": _safe_next(next), "username": username}
    wait = throttle.wait_seconds(session, name, client, utcnow())
    if wait:
        throttle.record(session, "login_throttled", name, client, retry_after=wait)
        context["error"] = f"登录失败次数过多，请 {wait} 秒后再试"
        refused = templates.TemplateResponse(request, "login.html", context, status_code=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    user = session.scalar(select(User).where(User.username == name))
    # the password is checked first, always, so that every refusal costs one hash
    if not check_password(user, password) or user is None or not user.active:
        throttle.record(session, "login_failed", name, client)
        context["error"] = "用户名或密码错误"
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    token = open_session(session, user, settings.session_hours, request.headers.get("user-agent"))
    throttle.record(session, "login", name, client, user_id=user.id)
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
