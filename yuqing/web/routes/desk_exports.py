"""CSV and XLSX exports of every desk list, with the list's own filters; each one audited.

These routes come before the lists' ``/{id}`` pages so that ``export.csv`` is not read as an id.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from yuqing.desk import cases, exports
from yuqing.desk.exports import ExportFile, Table
from yuqing.store.types import utcnow
from yuqing.web.deps import DeskUser, SettingsDep, WriteSession
from yuqing.web.params import Id, ItemFiltersDep, parse_date, parse_int
from yuqing.web.periods import resolve_period

router = APIRouter()
Format = Literal["csv", "xlsx"]


def _send(
    request: Request, session: WriteSession, user_id: Id, table: Table, fmt: Format
) -> Response:
    filters = dict(request.query_params)
    made: ExportFile = exports.export(session, user_id, table, fmt, filters, utcnow())
    disposition = f'attachment; filename="{made.filename}"'
    return Response(
        made.data, media_type=made.content_type, headers={"Content-Disposition": disposition}
    )


@router.get("/items/export.{fmt}")
def export_items(
    request: Request,
    fmt: Format,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    filters: ItemFiltersDep,
) -> Response:
    """The item list as it is filtered (every filter of /items), all pages."""
    table = exports.items_table(session, filters.to_query(session, settings.tz), settings.tz)
    return _send(request, session, user.user_id, table, fmt)


@router.get("/events/export.{fmt}")
def export_events(
    request: Request,
    fmt: Format,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    since: Annotated[str | None, Query()] = None,
    until: Annotated[str | None, Query()] = None,
) -> Response:
    period = resolve_period(session, settings.tz, parse_date(since), parse_date(until))
    table = exports.events_table(session, period.since, period.until, settings.tz)
    return _send(request, session, user.user_id, table, fmt)


@router.get("/cases/export.{fmt}")
def export_cases(
    request: Request,
    fmt: Format,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    status: str = "",
    department: str = "",
) -> Response:
    viewer = cases.viewer_for(session, user.user_id)
    table = exports.cases_table(session, viewer, status, parse_int(department), settings.tz)
    return _send(request, session, user.user_id, table, fmt)


@router.get("/factchecks/export.{fmt}")
def export_claims(
    request: Request,
    fmt: Format,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    verdict: str = "",
    published: str = "",
    q: str = "",
) -> Response:
    public = {"yes": True, "no": False}.get(published)
    table = exports.claims_table(session, verdict, public, q.strip(), settings.tz)
    return _send(request, session, user.user_id, table, fmt)


@router.get("/alerts/deliveries/export.{fmt}")
def export_deliveries(
    request: Request,
    fmt: Format,
    user: DeskUser,
    session: WriteSession,
    settings: SettingsDep,
    status: str = "",
    channel: str = "",
) -> Response:
    table = exports.deliveries_table(session, status, channel, settings.tz)
    return _send(request, session, user.user_id, table, fmt)
