"""Build the FastAPI app: routers, templates, static files, error pages, headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from yuqing import __version__
from yuqing.config import Settings
from yuqing.errors import NotAuthenticated, YuqingError
from yuqing.store.db import Database
from yuqing.web.formats import file_size, previewable, problem
from yuqing.web.highlight import highlight, snippet
from yuqing.web.homes import SAVED
from yuqing.web.routes import admin, api, auth, collection, desk, network, overview, pages, reports

HERE = Path(__file__).parent
# collection before pages: /items/new must not be read as /items/{item_id}.
ROUTERS = (
    auth.router,
    collection.router,
    network.router,
    desk.router,
    reports.router,
    pages.router,
    overview.router,
    api.router,
    admin.router,
)
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
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = make_templates(settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_error_handlers(app)
    app.middleware("http")(_guard)
    return app


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
        problems = "；".join(problem(e) for e in exc.errors())
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return _error_page(request, 400, f"请求参数有误：{problems}")


def _error_page(request: Request, status: int, message: str) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    context = {
        "status": status,
        "message": message,
        "user": getattr(request.state, "principal", None),
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Refuse cross-site form posts; add security headers to every answer."""
    if request.method in UNSAFE_METHODS and not _same_origin(request):
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
    return response


def _same_origin(request: Request) -> bool:
    """Browsers send Origin (or at least Referer) on a cross-site POST; it must be us."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True  # not a browser form: SameSite=Lax cookies are not sent cross-site anyway
    host = request.headers.get("host", "")
    return urlsplit(claimed).netloc == host
