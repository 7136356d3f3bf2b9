"""Keeping events in the database in step with the clusterer: new events inserted,
items pointed at their event, each touched event's figures recomputed from its items."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from yuqing.analyse.events import EventClusterer, EventState
from yuqing.store.models import Event, Item

TREND_SPAN = timedelta(hours=6)
TOP_PLACES = 5
TOP_TOPICS = 3


def item_heat(likes: int, reposts: int, comments: int, views: int, weight: float) -> float:
    """Engagement on a log scale, times how much the source counts; reposts and
    comments spread a post more than likes do."""
    engagement = likes + 2 * reposts + 2 * comments + views / 50
    return round((1.0 + math.log1p(engagement)) * weight, 3)


def load_active(
    session: Session, clusterer: EventClusterer, start: datetime | None, end: datetime | None
) -> None:
    """Give the clusterer the stored events a run's items may still join."""
    query = select(Event).where(Event.merged_into_id.is_(None))
    if start is not None:
        query = query.where(Event.last_seen >= start)
    if end is not None:
        query = query.where(Event.first_seen < end)
    states = []
    for event in session.scalars(query):
        terms = (event.signature or {}).get("terms", {})
        state = EventState(event.id, event.first_seen, event.last_seen, event.title)
        state.weights.update({str(k): float(v) for k, v in terms.items()})
        state.places.update(event.places or [])
        state.topics.update(event.topics or [])
        states.append(state)
    clusterer.load(states)


def save_events(
    session: Session, clusterer: EventClusterer, item_ids: Sequence[int]
) -> dict[int, int]:
    """Insert this batch's new events; return each item's event id, for the item
    rows' one update (``write_batch``)."""
    new_keys = sorted(
        {clusterer.assigned[i] for i in item_ids if clusterer.assigned[i] < 0}, reverse=True
    )
    if new_keys:
        rows = [
            {
                "title": clusterer.events[key].title[:500],
                "first_seen": clusterer.events[key].first_seen,
                "last_seen": clusterer.events[key].last_seen,
            }
            for key in new_keys
        ]
        # One multi-row INSERT … RETURNING, ids in the rows' order: real text starts
        # thousands of events per batch, and a statement each cost ~2 ms.
        ids = session.scalars(
            insert(Event).returning(Event.id, sort_by_parameter_order=True), rows
        ).all()
        clusterer.rekey_many(dict(zip(new_keys, ids, strict=True)))
    return {i: clusterer.assigned[i] for i in item_ids}


REFRESH_CHUNK = 500


def refresh_all(session: Session, event_ids: set[int], clusterer: EventClusterer) -> None:
    ids = sorted(event_ids)
    for start in range(0, len(ids), REFRESH_CHUNK):
        refresh(session, ids[start : start + REFRESH_CHUNK], clusterer)


def refresh(
    session: Session, event_ids: Iterable[int | None], clusterer: EventClusterer | None = None
) -> None:
    """Recompute each event's figures from its items; drop events left empty."""
    ids = [i for i in event_ids if i is not None and i > 0]
    if not ids:
        return
    rows = session.execute(
        select(
            Item.event_id,
            func.count(),
            func.count(func.distinct(Item.source_id)),
            func.min(Item.published_at),
            func.max(Item.published_at),
            func.sum(Item.heat),
        )
        .where(Item.event_id.in_(ids))
        .group_by(Item.event_id)
    ).all()
    seen = {row[0] for row in rows}
    empty = [i for i in ids if i not in seen]
    if empty:
        session.execute(delete(Event).where(Event.id.in_(empty), Event.curated.is_(False)))
    updates = []
    trends = _trends(session, {r[0]: r[4] for r in rows if r[0] is not None})
    for event_id, count, sources, first, last, heat in rows:
        if event_id is None:
            continue
        state = clusterer.events.get(event_id) if clusterer else None
        updates.append(
            {
                "id": event_id,
                "item_count": count,
                "source_count": sources,
                "first_seen": first,
                "last_seen": last,
                "heat": round(float(heat or 0), 3),
                "trend": trends[event_id],
                **(_profile(state) if state else {}),
            }
        )
    if updates:
        session.execute(update(Event), updates)


def _profile(state: EventState) -> dict[str, object]:
    return {
        "signature": {
            "terms": {
                t: round(w, 3)
                for t, w in sorted(state.profile().items(), key=lambda pair: -pair[1])
            }
        },
        "places": [p for p, _n in state.places.most_common(TOP_PLACES)],
        "topics": [t for t, _n in state.topics.most_common(TOP_TOPICS)],
    }


def _trends(session: Session, lasts: dict[int, datetime]) -> dict[int, str]:
    """up, down or flat: each event's last six hours against the six before, in one query."""
    if not lasts:
        return {}
    earliest = min(lasts.values()) - 2 * TREND_SPAN
    rows = session.execute(
        select(Item.event_id, Item.published_at).where(
            Item.event_id.in_(list(lasts)), Item.published_at > earliest
        )
    )
    recent: Counter[int] = Counter()
    before: Counter[int] = Counter()
    for event_id, published in rows:
        if event_id is None:
            continue
        last = lasts[event_id]
        if published > last - TREND_SPAN:
            recent[event_id] += 1
        elif published > last - 2 * TREND_SPAN:
            before[event_id] += 1
    trends = {}
    for event_id in lasts:
        up, down = recent[event_id], before[event_id]
        trends[event_id] = (
            "up" if up > 1.5 * down + 1 else "down" if down > 1.5 * up + 1 else "flat"
        )
    return trends
