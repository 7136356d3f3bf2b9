"""Views of spread, places and words (传播分析、地图、关键词) and the questions nobody has
answered yet (待回应的问题). The figures come from ``yuqing.desk.event_views`` and
``yuqing.desk.voids``; routes only pick the records and render."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from yuqing.analyse.keyterms import Term
from yuqing.analyse.place_map import Mention, PlaceMap, boundary_path
from yuqing.desk import voids
from yuqing.desk.event_views import (
    EventSpread,
    cached,
    event_key,
    event_spread,
    own_names,
    places_of,
    stream_key,
    terms_of,
)
from yuqing.errors import NotFound
from yuqing.store.models import Event, Item
from yuqing.store.types import utcnow
from yuqing.web.deps import DeskUser, ReadSession, SettingsDep, TemplatesDep, WriteSession
from yuqing.web.params import Id, parse_date
from yuqing.web.periods import resolve_period

router = APIRouter()
LEVEL_LABELS = {"province": "省份", "city": "地市", "district": "区县", "town": "乡镇街道"}


def _event_context(session: ReadSession, settings: SettingsDep, event_id: int) -> dict[str, Any]:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    key = event_key(session, event_id)
    secret = settings.resolved_secret_key()
    spread = cached((*key, "spread"), lambda: event_spread(session, event_id, secret))
    where = [Item.event_id == event_id]
    names = own_names(session, settings.city_name)
    terms = cached((*key, "terms"), lambda: terms_of(session, where, names, originals_only=False))
    pmap, mentions = places_of(session, where, settings.jurisdiction)
    return {
        "event": event,
        "sp": spread,
        "terms": terms,
        "pmap": pmap,
        "mentions": mentions,
        "levels": LEVEL_LABELS,
        "charts": {
            "curve": curve_chart(spread, settings.tz),
            "cloud": cloud_chart(terms, f"&event={event_id}"),
            "map": map_chart(pmap, mentions),
        },
        "tz": settings.tz,
    }


@router.get("/events/{event_id}/views", response_class=HTMLResponse)
def event_views(
    request: Request,
    event_id: Id,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """The event's spread, map and key terms: a fragment for the event page (HTMX) or,
    followed as a plain link, a page of its own."""
    context = {"user": user, **_event_context(session, settings, event_id)}
    partial = request.headers.get("HX-Request") == "true"
    name = "desk/_event_views.html" if partial else "desk/event_views.html"
    return templates.TemplateResponse(request, name, context)


@router.get("/overview/views", response_class=HTMLResponse)
def period_views(
    request: Request,
    user: DeskUser,
    session: ReadSession,
    settings: SettingsDep,
    templates: TemplatesDep,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    """A period's map of places and key terms."""
    period = resolve_period(session, settings.tz, parse_date(since), parse_date(until))
    where = [Item.published_at >= period.since, Item.published_at < period.until]
    key = stream_key(session, period.since, period.until)
    names = own_names(session, settings.city_name)
    terms = cached((*key, "terms"), lambda: terms_of(session, where, names))
    pmap, mentions = cached(
        (*key, "places"), lambda: places_of(session, where, settings.jurisdiction)
    )
    context = {
        "user": user,
        "period": period,
        "terms": terms,
        "pmap": pmap,
        "mentions": mentions,
        "levels": LEVEL_LABELS,
        "charts": {
            "cloud": cloud_chart(terms, "&" + period.query()),
            "map": map_chart(pmap, mentions),
        },
    }
    return templates.TemplateResponse(request, "desk/period_views.html", context)


@router.get("/questions", response_class=HTMLResponse)
def questions_page(
    request: Request, user: DeskUser, session: ReadSession, templates: TemplatesDep
) -> Response:
    key = stream_key(session, "voids", *voids.answers_key(session))
    found = cached(key, lambda: voids.information_voids(session, utcnow()))
    context = {
        "user": user,
        "voids": found,
        "window": voids.WINDOW_HOURS,
        "min_asked": voids.MIN_ASKED,
    }
    return templates.TemplateResponse(request, "desk/questions.html", context)


@router.post("/questions/{key}/factcheck")
def question_factcheck(key: str, user: DeskUser, session: WriteSession) -> Response:
    """Turn a listed question into a fact-check draft (unpublished, 待核实)."""
    claim = voids.draft_factcheck(session, user.user_id, utcnow(), key)
    return RedirectResponse(f"/factchecks/{claim.id}", status_code=303)


@router.get("/maps/{code}.json", include_in_schema=False)
def map_boundary(code: str, user: DeskUser) -> Response:
    """A division's boundaries (GeoJSON) for the maps; the same files the reports draw."""
    path = boundary_path(code)
    if path is None:
        raise NotFound(f"没有行政区 {code} 的边界数据")
    return FileResponse(
        path, media_type="application/json", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/api/events/{event_id}/spread")
def api_event_spread(
    event_id: Id, user: DeskUser, session: ReadSession, settings: SettingsDep
) -> dict[str, Any]:
    """传播分析：首发、分渠道小时曲线、转发层级、媒体、拐点与官方回应（只含汇总数）。"""
    # Kept under the same key as the event page's: the page and the API read it once.
    secret = settings.resolved_secret_key()
    key = (*event_key(session, event_id), "spread")
    return spread_json(cached(key, lambda: event_spread(session, event_id, secret)))


# ---------------------------------------------------------------- chart data


def curve_chart(spread: EventSpread, tz: ZoneInfo) -> dict[str, Any]:
    curve = spread.spread.curve
    shape = "%m-%d %H:00" if curve.step_hours == 1 else "%m-%d %H时起"
    labels = [h.astimezone(tz).strftime(shape) for h in curve.hours]
    return {
        "kind": "lines",
        "labels": labels,
        "series": [{"name": c, "data": list(curve.counts[c])} for c in curve.channels[:6]],
        "marks": [
            {"at": _index(curve.hours, t.hour), "label": f"拐点 {t.count}条"}
            for t in spread.spread.turning_points
        ],
    }


def _index(starts: tuple[datetime, ...], moment: datetime) -> int:
    """The bucket holding the moment."""
    return max(0, sum(start <= moment for start in starts) - 1)


def cloud_chart(terms: list[Term], extra: str) -> dict[str, Any]:
    return {
        "kind": "wordcloud",
        "words": [{"name": t.term, "value": t.posts} for t in terms],
        "links": [f"/items?q={t.term}{extra}" for t in terms],
    }


def map_chart(pmap: PlaceMap, mentions: list[Mention]) -> dict[str, Any]:
    names = {m.code: m.name for m in mentions}
    return {
        "kind": "map",
        "map": pmap.map_code,
        "geo": f"/maps/{pmap.map_code}.json" if pmap.map_code else None,
        "regions": [
            {"code": r.code, "value": r.count, "own": r.highlighted, "name": names.get(r.code)}
            for r in pmap.regions
        ],
    }


def spread_json(sp: EventSpread) -> dict[str, Any]:
    s = sp.spread
    return {
        "event_id": sp.event_id,
        "total": s.total,
        "capped": sp.capped,
        "first": None
        if s.first is None
        else {
            "item_id": s.first.id,
            "at": s.first.published_at.isoformat(),
            "source": s.first.source,
            "outlet": s.first.outlet,
        },
        "channels": dict(s.channels),
        "sources": dict(s.sources),
        "cascade": {
            "posts": s.cascade.posts,
            "reposts": s.cascade.reposts,
            "copies": s.cascade.copies,
            "depth": s.cascade.depth,
            "breadth": s.cascade.breadth,
            "levels": list(s.cascade.levels),
            "branches": [
                {
                    "rank": b.rank,
                    "size": b.size,
                    "depth": b.depth,
                    "first_at": b.first_at.isoformat(),
                    "comment": b.comment,
                    "outlet": b.outlet,
                }
                for b in s.cascade.branches
            ],
        },
        "outlets": [
            {
                "outlet": o.outlet,
                "posts": o.posts,
                "reach": o.reach,
                "first_at": o.first_at.isoformat(),
            }
            for o in s.outlets
        ],
        "turning_points": [
            {
                "hour": t.hour.isoformat(),
                "count": t.count,
                "baseline": t.baseline,
                "item_id": t.post_id,
                "snippet": t.snippet,
                "source": t.source,
            }
            for t in s.turning_points
        ],
        "responses": [
            {"at": r.at.isoformat(), "kind": r.kind, "label": r.label, "link": r.link}
            for r in sp.responses
        ],
    }
