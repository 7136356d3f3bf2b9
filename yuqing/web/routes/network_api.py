"""JSON API of the network: officers' apps file reports, zero reports and tallies;
the desk reads compliance, reports, tallies and scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from yuqing.network.assessment import assess
from yuqing.network.compliance import rollup, unit_compliance
from yuqing.network.field_reports import (
    ReportDraft,
    ReportFilters,
    adopt,
    count_reports,
    file_report,
    file_zero_report,
    list_reports,
)
from yuqing.network.tallies import find_metric, record_tally, tally_summary
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, WriteSession
from yuqing.web.params import MAX_ID, Id, parse_date
from yuqing.web.routes.network_common import (
    NetworkUser,
    Officer,
    now,
    officer_reach_of,
    reach_of,
    window,
)

router = APIRouter(prefix="/api/network")


class ReportIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    category: str | None = None
    place: str | None = None
    urgency: str | None = None
    day: date | None = None


class ReportOut(BaseModel):
    id: int
    unit_id: Id
    unit_name: str
    report_date: date
    is_zero: bool
    category: str | None
    place: str | None
    urgency: str | None
    title: str | None
    body: str | None
    submitted_at: datetime
    via: str
    adopted: bool
    adopted_report_id: Id | None


class FiledOut(BaseModel):
    id: int
    report_date: date
    is_zero: bool


class ZeroIn(BaseModel):
    day: date | None = None


class TallyIn(BaseModel):
    metric: str = Field(description="metric code or name")
    day: date
    value: float = Field(ge=0)
    note: str | None = None


class TallyOut(BaseModel):
    id: int
    metric: str
    day: date
    value: float


class AdoptIn(BaseModel):
    report_id: Id | None = Field(None, description="the desk's report it went into")


class UnitDayOut(BaseModel):
    unit_id: Id
    unit_name: str
    status: str
    deadline: datetime
    is_zero: bool
    reports: int
    first_submitted_at: datetime | None
    subtree_expected: int
    subtree_missing: int
    subtree_late: int


@router.post("/reports", status_code=201)
def api_file_report(
    body: ReportIn, user: Officer, session: WriteSession, settings: SettingsDep
) -> FiledOut:
    draft = ReportDraft(body.title, body.body, body.category, body.place, body.urgency, body.day)
    report = file_report(
        session, officer_reach_of(session, user), draft, now=now(), tz=settings.tz, via="api"
    )
    return FiledOut(id=report.id, report_date=report.report_date, is_zero=False)


@router.post("/zero-reports", status_code=201)
def api_zero_report(
    body: ZeroIn, user: Officer, session: WriteSession, settings: SettingsDep
) -> FiledOut:
    reach = officer_reach_of(session, user)
    report = file_zero_report(session, reach, now=now(), tz=settings.tz, day=body.day, via="api")
    return FiledOut(id=report.id, report_date=report.report_date, is_zero=True)


@router.post("/tallies", status_code=201)
def api_tally(
    body: TallyIn, user: Officer, session: WriteSession, settings: SettingsDep
) -> TallyOut:
    reach = officer_reach_of(session, user)
    metric = find_metric(session, body.metric)
    entry = record_tally(
        session,
        reach,
        reach.home_unit_id or 0,
        metric,
        body.day,
        body.value,
        now=now(),
        tz=settings.tz,
        note=body.note,
    )
    return TallyOut(id=entry.id, metric=metric.code, day=entry.day, value=entry.value)


@router.get("/reports")
def api_reports(
    request: Request,
    response: Response,
    user: NetworkUser,
    session: ReadSession,
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
    unit: Id | None = None,
    adopted: bool | None = None,
    include_zero: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[ReportOut]:
    """Newest first, ``limit`` at a time from ``offset``; the ``X-Total-Count`` header
    gives how many match, a ``Link: <…>; rel="next"`` header the next page's address."""
    filters = ReportFilters(
        start=parse_date(start),
        end=parse_date(end),
        unit_id=unit,
        adopted=adopted,
        include_zero=include_zero,
        limit=limit,
        offset=offset,
    )
    reach = reach_of(session, user)
    total = count_reports(session, reach, filters)
    response.headers["X-Total-Count"] = str(total)
    if offset + limit < total:
        following = request.url.include_query_params(offset=offset + limit)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return [
        ReportOut(
            id=r.report.id,
            unit_id=r.report.unit_id,
            unit_name=r.unit_name,
            report_date=r.report.report_date,
            is_zero=r.report.is_zero,
            category=r.report.category,
            place=r.report.place,
            urgency=r.report.urgency,
            title=r.report.title,
            body=r.report.body,
            submitted_at=r.report.submitted_at,
            via=r.report.via,
            adopted=r.report.adopted,
            adopted_report_id=r.report.adopted_report_id,
        )
        for r in list_reports(session, reach, filters)
    ]


@router.post("/reports/{report_id}/adopt")
def api_adopt(report_id: Id, body: AdoptIn, user: DeskUser, session: WriteSession) -> FiledOut:
    report = adopt(session, report_id, user.user_id, body.report_id, now=now())
    return FiledOut(id=report.id, report_date=report.report_date, is_zero=report.is_zero)


@router.get("/compliance")
def api_compliance(
    user: DeskUser, session: ReadSession, settings: SettingsDep, day: str | None = None
) -> list[UnitDayOut]:
    moment = now()
    days = unit_compliance(
        session, parse_date(day) or moment.astimezone(settings.tz).date(), settings.tz, moment
    )
    rolled = rollup(days)
    return [
        UnitDayOut(
            unit_id=d.unit_id,
            unit_name=d.unit_name,
            status=d.status,
            deadline=d.deadline,
            is_zero=d.is_zero,
            reports=d.reports,
            first_submitted_at=d.first_submitted_at,
            subtree_expected=rolled[d.unit_id].expected,
            subtree_missing=rolled[d.unit_id].missing,
            subtree_late=rolled[d.unit_id].late,
        )
        for d in days
    ]


@router.get("/tallies")
def api_tally_summary(
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    start: str | None = None,
    end: str | None = None,
    unit: Id | None = None,
) -> list[dict[str, object]]:
    first, last = window(parse_date(start), parse_date(end), now().astimezone(settings.tz).date())
    return [
        {
            "metric": t.metric_code,
            "name": t.name,
            "measure": t.measure,
            "new": t.new,
            "cumulative": t.cumulative,
        }
        for t in tally_summary(session, first, last, unit, tz=settings.tz)
    ]


@router.get("/assessment")
def api_assessment(
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    start: str | None = None,
    end: str | None = None,
) -> list[dict[str, object]]:
    first, last = window(parse_date(start), parse_date(end), now().astimezone(settings.tz).date())
    return [vars(s) for s in assess(session, first, last, settings.tz, now=now())]
