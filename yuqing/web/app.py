"""Build the FastAPI app: routers, templates, static files, error pages, headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from yuqing import __version__
from yuqing.analyse.boundaries import use_desk_boundaries
from yuqing.config import Settings
from yuqing.errors import NotAuthenticated, YuqingError
from yuqing.store.db import Database
from yuqing.web.formats import file_size, previewable, problem
from yuqing.web.highlight import highlight, snippet
from yuqing.web.homes import SAVED
from yuqing.web.routes import (
    admin,
    api,
    auth,
    collection,
    desk,
    network,
    ops,
    overview,
    pages,
    reports,
    retention,
)

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)
# collection before pages: /items/new must not be read as /items/{item_id}.
ROUTERS = (
    auth.router,
    collection.router,
    network.router,
    desk.router,
    reports.router,
    pages.router,
    overview.router,
    retention.router,
    api.router,
    admin.router,
    ops.router,
)
HSTS = "max-age=31536000; includeSubDomains"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# Swagger UI boots from an inline script; only its page gets that allowance.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


def local_time(value: datetime | str | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the desk's time zone; an ISO string (as JSON logs keep them) too."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    return value.astimezone(tz).strftime(fmt) if value else ""


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["local"] = lambda v, fmt="%Y-%m-%d %H:%M": local_time(v, settings.tz, fmt)
    templates.env.globals["city_name"] = settings.city_name
    templates.env.globals["version"] = __version__
    templates.env.globals["saved_notices"] = SAVED
    templates.env.filters["filesize"] = file_size
    templates.env.filters["highlight"] = highlight
    templates.env.filters["snippet"] = snippet
    templates.env.tests["previewable"] = previewable
    return templates


def create_app(settings: Settings, db: Database) -> FastAPI:
    app = FastAPI(
        title="yuqing 舆情信息工作平台",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # counted as the body streams in, whether or not it declares its length: 413
        max_body_size=settings.max_request_mb << 20,
    )
    use_desk_boundaries(settings.map_boundaries_dir)  # the maps' (a bad file stops here)
    app.state.settings = settings
    app.state.db = db
    app.state.templates = make_templates(settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_error_handlers(app)
    app.middleware("http")(_guard)
    app.middleware("http")(ops.time_requests)
    return app


def app_from_settings() -> FastAPI:
    """The app as each of `yuqing serve --workers N`'s processes builds it."""
    from yuqing.config import get_settings
    from yuqing.logs import configure

    settings = get_settings()
    configure(settings)
    db = Database(
        settings.resolved_database_url(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        statement_timeout_ms=settings.db_statement_timeout_ms,
    )
    return create_app(settings, db)


def api_routes() -> list[APIRoute]:
    """Every route the app serves besides /static, for audits of who may use what."""
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YuqingError)
    async def yuqing_error(request: Request, exc: YuqingError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.http_status)
        if isinstance(exc, NotAuthenticated):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error_page(request, exc.http_status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            # the shape OpenAPI documents for 422 (HTTPValidationError), without echoing input
            detail = [{k: e[k] for k in ("loc", "msg", "type")} for e in exc.errors()]
            return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=422)
        problems = "；".join(problem(e) for e in exc.errors())
        return _error_page(request, 422, f"请求参数有误：{problems}")


def _error_page(request: Request, status: int, message: str) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    context = {
        "status": status,
        "message": message,
        "user": getattr(request.state, "principal", None),
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Refuse cross-site form posts; add security and cache headers to every answer."""
    if request.method in UNSAFE_METHODS and not _same_origin(request):
        logger.warning(
            "cross-site %s %s refused (Origin/Referer %s, Host %s; see trusted_origins)",
            request.method,
            request.url.path,
            request.headers.get("origin") or request.headers.get("referer"),
            request.headers.get("host"),
        )
        message = "跨站请求被拒绝"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=403)
        return HTMLResponse(message, status_code=403)
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    csp = DOCS_CSP if request.url.path == "/api/docs" else CSP
    response.headers.setdefault("Content-Security-Policy", csp)
    if request.app.state.settings.cookie_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.url.path.startswith("/static/"):
        # pages and API answers show what one login may see: no cache keeps a copy
        response.headers["Cache-Control"] = "no-store"
    return response


def _same_origin(request: Request) -> bool:
    """Browsers send Origin (or at least Referer) on a cross-site POST; it must be us:
    the Host the request came to, or an origin the settings trust (the public address
    behind a reverse proxy that rewrites Host: ``trusted_origins``, ``public_url``)."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True  # not a browser form: SameSite=Lax cookies are not sent cross-site anyway
    parts = urlsplit(claimed)
    if parts.netloc == request.headers.get("host", ""):
        return True
    return f"{parts.scheme}://{parts.netloc}".lower() in trusted_origins(request.app.state.settings)


def trusted_origins(settings: Settings) -> frozenset[str]:
    origins = [*settings.trusted_origins, settings.public_url]
    found = set()
    for origin in origins:
        parts = urlsplit(origin.strip())
        if parts.scheme and parts.netloc:
            found.add(f"{parts.scheme}://{parts.netloc}".lower())
    return frozenset(found)
