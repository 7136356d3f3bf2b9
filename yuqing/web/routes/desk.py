"""Pages and API of the desk wing, gathered into one router.

Exports come first: their ``/items/export.csv`` must not be read as ``/items/{id}``.
The parts' routes are copied rather than included so that the route audit
(``yuqing.web.app.api_routes``) sees each of them as the plain route it is.
"""

from __future__ import annotations

from fastapi import APIRouter

from yuqing.web.routes import (
    desk_alerts,
    desk_api,
    desk_cases,
    desk_exports,
    desk_factchecks,
    desk_models,
    desk_rules,
    desk_triage,
    desk_views,
)

router = APIRouter()
for part in (
    desk_exports,
    desk_triage,
    desk_cases,
    desk_factchecks,
    desk_alerts,
    desk_rules,
    desk_api,
    desk_models,
    desk_views,
):
    router.routes.extend(part.router.routes)
