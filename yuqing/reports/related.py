"""Field reports related to an event, ranked, for the editor of a special report to
choose from: those whose text shares the event's terms or names one of its places.

The score is the share of the event's leading terms (its signature, or the two-character
pieces of its title) found in the report's title, body and place, plus a point when
the report names a place of the event or comes from a unit named after one. Reports
submitted from a day before the event's window to a day after it are read; words that
most of them carry are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.reports.windows import Window
from yuqing.store.models import Event, FieldReport, Item, ItemPlace, Unit

TERMS = 20
MARGIN = timedelta(days=1)
PLACE_POINT = 0.5
WIDE_PLACES = ("country", "province", "city")  # naming the city ties nothing to an event
LIMIT = 30
COMMON = 0.3  # a word in more than this share of the reports tells nothing


@dataclass(frozen=True)
class Related:
    id: int
    unit: str
    title: str
    submitted_at: datetime
    score: float
    why: str  # what matched, for the editor


def event_terms(event: Event) -> list[str]:
    """The event's leading terms: its signature's heaviest, or its title's bigrams."""
    terms = (event.signature or {}).get("terms", {})
    if terms:
        ranked = sorted(terms.items(), key=lambda kv: (-float(kv[1]), kv[0]))
        return [t for t, _ in ranked[:TERMS]]
    title = "".join(ch for ch in event.title if ch.isalnum())
    return list(dict.fromkeys(title[i : i + 2] for i in range(len(title) - 1)))[:TERMS]


def event_places(session: Session, event_id: int) -> list[str]:
    """Names of the districts, streets and sites the event's items mention, most first."""
    n = func.count().label("n")
    rows = session.execute(
        select(func.min(ItemPlace.name), n)
        .join(Item, Item.id == ItemPlace.item_id)
        .where(Item.event_id == event_id, ItemPlace.level.not_in(WIDE_PLACES))
        .group_by(ItemPlace.code)
        .order_by(n.desc())
        .limit(5)
    ).all()
    return [str(name) for name, _ in rows if name]


def telling(words: list[str], texts: list[str]) -> list[str]:
    """The words that pick some reports out: not those most of them carry (the city's
    name, the form's own labels such as 紧急程度)."""
    most = max(1, int(COMMON * len(texts)))
    return [w for w in words if sum(w in t for t in texts) <= most]


def related_field_reports(session: Session, event: Event, window: Window) -> list[Related]:
    terms = event_terms(event)
    places = event_places(session, event.id)
    rows = session.execute(
        select(FieldReport, Unit.name)
        .join(Unit, Unit.id == FieldReport.unit_id)
        .where(
            FieldReport.is_zero.is_(False),
            FieldReport.submitted_at >= window.start - MARGIN,
            FieldReport.submitted_at < window.end + MARGIN,
        )
    ).all()
    texts = [" ".join(x for x in (r.title, r.body, r.place) if x) for r, _ in rows]
    terms = telling(terms, texts)
    places = telling(places, texts)
    found = []
    for (report, unit), text in zip(rows, texts, strict=True):
        shared = [t for t in terms if t in text]
        named = [p for p in places if p in text or p == unit]
        score = len(shared) / len(terms) if terms else 0.0
        score += PLACE_POINT if named else 0.0
        if score <= 0:
            continue
        why = "、".join([*(f"地点“{p}”" for p in named[:2]), *(f"“{t}”" for t in shared[:4])])
        found.append(
            Related(
                report.id,
                str(unit),
                report.title or "（无标题）",
                report.submitted_at,
                round(score, 2),
                why,
            )
        )
    found.sort(key=lambda r: (-r.score, r.submitted_at, r.id))
    return found[:LIMIT]
