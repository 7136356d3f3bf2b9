"""The desk's overview (总览), its events (事件) and the same figures as JSON.

Charts read their data from ``<script type="application/json">`` blocks built here
from the same dataclasses as the tables beneath them; ``/static/charts.js`` draws
them, so the pages need no inline script (the CSP allows none).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict

from yuqing.analyse.event_edits import merge_events, split_event
from yuqing.errors import NotFound
from yuqing.store.models import ITEM_STATUS_LABELS
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.event_data import event_detail, event_triage
from yuqing.web.event_extras import event_claims, key_posts
from yuqing.web.overview_data import Count, Overview, Volume, count_events, hot_events, overview
from yuqing.web.params import MAX_PAGE, Id, parse_date
from yuqing.web.periods import resolve_period

router = APIRouter()
EVENTS_PER_PAGE = 20
SENTIMENT_COLOURS = {
    "negative": "#c0392b",
    "neutral": "#95a5a6",
    "positive": "#27ae60",
    "unanalysed": "#d5dbe0",
}
DateParam = Annotated[str | None, Query(description="本地日期 YYYY-MM-DD")]


@router.get("/overview", response_class=HTMLResponse)
def overview_page(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    since: DateParam = None,
    until: DateParam = None,
) -> Response:
    period = resolve_period(session, settings.tz, parse_date(since), parse_date(until))
    figures = overview(session, period)
    context = {"user": user, "ov": figures, "period": period, "charts": overview_charts(figures)}
    return templates.TemplateResponse(request, "overview.html", context)


@router.get("/events", response_class=HTMLResponse)
def event_list(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    since: DateParam = None,
    until: DateParam = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    period = resolve_period(session, settings.tz, parse_date(since), parse_date(until))
    total = count_events(session, period)
    events = hot_events(session, period, EVENTS_PER_PAGE, (page - 1) * EVENTS_PER_PAGE)
    context = {
        "user": user,
        "period": period,
        "events": events,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // EVENTS_PER_PAGE)),
        "statuses": ITEM_STATUS_LABELS,
    }
    return templates.TemplateResponse(request, "events.html", context)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    request: Request,
    event_id: Id,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    detail = event_detail(session, event_id, settings.tz, page)
    if detail is None:
        raise NotFound(f"事件 {event_id} 不存在")
    context = {
        "user": user,
        "detail": detail,
        "chart": volume_chart(detail.volume),
        "triage": event_triage(session, event_id, user.user_id),
        "key_posts": key_posts(session, event_id),
        "claims": event_claims(session, event_id),
        "statuses": ITEM_STATUS_LABELS,
        "tz": settings.tz,
    }
    return templates.TemplateResponse(request, "event.html", context)


# ---------------------------------------------------------------- chart data


def volume_chart(volume: Volume) -> dict[str, Any]:
    return {
        "kind": "stacked",
        "labels": [b.label for b in volume.buckets],
        "series": [
            {
                "name": s.label,
                "colour": SENTIMENT_COLOURS.get(s.key, "#7f8c8d"),
                "data": [b.counts.get(s.key, 0) for b in volume.buckets],
            }
            for s in volume.series
        ],
        "links": [b.link for b in volume.buckets],
    }


def bar_chart(counts: list[Count], *, horizontal: bool = False) -> dict[str, Any]:
    return {
        "kind": "hbar" if horizontal else "bar",
        "labels": [c.label for c in counts],
        "values": [c.count for c in counts],
        "links": [c.link for c in counts],
    }


def overview_charts(ov: Overview) -> dict[str, dict[str, Any]]:
    """Each chart's data, from the same figures the tables show."""
    return {
        "volume": volume_chart(ov.volume),
        "events": {
            "kind": "hbar",
            "labels": [e.title for e in ov.events],
            "values": [e.heat for e in ov.events],
            "links": [e.link for e in ov.events],
        },
        "topics": bar_chart(ov.topics),
        "places": bar_chart(ov.places, horizontal=True),
        "sentiment": {
            **bar_chart(ov.sentiment),
            "kind": "pie",
            "colours": [SENTIMENT_COLOURS.get(s.key, "#7f8c8d") for s in ov.sentiment],
        },
        "rules": bar_chart(ov.rules, horizontal=True),
    }


# ---------------------------------------------------------------- JSON


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CountOut(_Out):
    key: str
    label: str
    count: int
    link: str | None


class BucketOut(_Out):
    start: datetime
    label: str
    counts: dict[str, int]
    total: int
    link: str | None


class EventOut(_Out):
    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    item_count: int
    source_count: int
    heat: float
    trend: str | None
    topics: list[str]
    places: list[str]
    link: str


class PeriodOut(_Out):
    first_day: date
    last_day: date
    since: datetime
    until: datetime
    hourly: bool


class FactChecksOut(_Out):
    waiting: int
    in_period: int
    waiting_capped: bool = False


class OverviewOut(BaseModel):
    period: PeriodOut
    total: int
    local: int
    local_share: float
    volume: list[BucketOut]
    sentiment: list[CountOut]
    events: list[EventOut]
    events_total: int
    topics: list[CountOut]
    places: list[CountOut]
    rules: list[CountOut]
    fact_checks: FactChecksOut


@router.get("/api/overview")
def overview_api(
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    since: DateParam = None,
    until: DateParam = None,
) -> OverviewOut:
    """The overview's figures for the local days since–until (default: the week up to
    the newest item)."""
    ov = overview(
        session, resolve_period(session, settings.tz, parse_date(since), parse_date(until))
    )

    def many(model: type[_Out], rows: list[Any]) -> list[Any]:
        return [model.model_validate(row) for row in rows]

    return OverviewOut(
        period=PeriodOut.model_validate(ov.period),
        total=ov.volume.total,
        local=ov.volume.local,
        local_share=round(ov.volume.local_share, 4),
        volume=many(BucketOut, ov.volume.buckets),
        sentiment=many(CountOut, ov.sentiment),
        events=many(EventOut, ov.events),
        events_total=ov.events_total,
        topics=many(CountOut, ov.topics),
        places=many(CountOut, ov.places),
        rules=many(CountOut, ov.rules),
        fact_checks=FactChecksOut.model_validate(ov.fact_checks),
    )


class MergeIn(BaseModel):
    into: int


class SplitIn(BaseModel):
    item_ids: list[int]
    title: str = ""


class EventRef(BaseModel):
    id: int
    title: str
    item_count: int


@router.post("/api/events/{event_id}/merge")
def api_merge_event(event_id: Id, body: MergeIn, user: DeskUser, session: WriteSession) -> EventRef:
    """Merge this event into another; later clustering keeps the merge."""
    target = merge_events(session, event_id, body.into, user.user_id)
    return EventRef(id=target.id, title=target.title, item_count=target.item_count)


@router.post("/api/events/{event_id}/split", status_code=201)
def api_split_event(event_id: Id, body: SplitIn, user: DeskUser, session: WriteSession) -> EventRef:
    """Move some of this event's items into a new event; later clustering keeps the split."""
    new = split_event(session, event_id, body.item_ids, body.title, user.user_id)
    return EventRef(id=new.id, title=new.title, item_count=new.item_count)
