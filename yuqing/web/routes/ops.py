"""Operations: readiness (/api/ready), Prometheus metrics (/metrics) and the request
timing that feeds them. Liveness stays at /api/health (routes/api.py)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from huey import Huey
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from yuqing.jobs import metrics, readiness
from yuqing.jobs.queue import make_huey
from yuqing.web.security import PUBLIC

router = APIRouter()
logger = logging.getLogger(__name__)
_lock = threading.Lock()


def _state(request: Request) -> tuple[Huey, metrics.DatabaseFigures, CollectorRegistry]:
    """The queue handle, the figures cache and the scrape registry, made once per app."""
    state = request.app.state
    with _lock:
        if not hasattr(state, "ops"):
            figures = metrics.DatabaseFigures(state.db)
            registry = metrics.registry_for(state.db, figures)
            state.ops = (make_huey(state.settings), figures, registry)
    ops: tuple[Huey, metrics.DatabaseFigures, CollectorRegistry] = state.ops
    return ops


@router.get("/api/ready", dependencies=[Depends(PUBLIC)])
def ready(request: Request) -> JSONResponse:
    """Readiness for a load balancer or a monitor: the database and the queue answer
    (503 when not), with the analysis lag and failing sources (status "degraded")."""
    huey, figures, _registry = _state(request)
    found = readiness.check(request.app.state.db, huey, figures)
    body: dict[str, Any] = {"status": found.status, "checks": found.checks}
    if not found.ready:
        logger.warning("not ready: %s", found.checks)
    return JSONResponse(body, status_code=200 if found.ready else 503)


@router.get("/metrics", dependencies=[Depends(PUBLIC)], include_in_schema=False)
def prometheus_metrics(request: Request) -> Response:
    """Prometheus text format; figures only, no personal data (restrict it at the proxy)."""
    _huey, _figures, registry = _state(request)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


async def time_requests(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Observe each request's latency under its route template (/items/{item_id})."""
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        route = request.scope.get("route")
        path = getattr(route, "path", None) or ("/static" if _static(request) else "other")
        metrics.REQUEST_SECONDS.labels(
            method=request.method, route=path, status=str(status)
        ).observe(time.perf_counter() - started)


def _static(request: Request) -> bool:
    return request.url.path.startswith("/static/")
