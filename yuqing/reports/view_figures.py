"""The map of places and the key terms (词云) in a report, each a chart beside a table
holding the same figures: the DOCX and PDF print the chart as an image, the HTML draws
it with ECharts, and a reader without either has the table.

The same read models as the desk's pages (:mod:`yuqing.desk.event_views`), over the
report's window (and its event): a report says what the event page says.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.keyterms import Term
from yuqing.analyse.place_map import Mention, PlaceMap, boundary
from yuqing.desk.event_views import own_names, places_of, terms_of
from yuqing.reports.content import Builder, Section, number_text
from yuqing.reports.scan import in_window
from yuqing.reports.windows import Window
from yuqing.store.models import Unit

CLOUD_TERMS = 30  # terms in the cloud
TABLE_TERMS = 12  # of which the table lists the strongest
TERMS_NOTE = (
    "注：关键词按对数似然比（G²）与全部监测信息比较得出，权重越大越为本期所特有；"
    "“—”为出现较多、但与全部信息相比不突出的词语；涉及信息为含该词语的信息条数。"
)


def jurisdiction(session: Session) -> list[str]:
    """The desk's own area: the division codes of its top units (those without a parent),
    which the desk registered itself; the report needs no settings to know them."""
    codes = session.scalars(
        select(Unit.code).where(Unit.parent_id.is_(None), Unit.code.is_not(None))
    ).all()
    return [c for c in codes if c]


def place_view(session: Session, window: Window, *where: Any) -> tuple[PlaceMap, list[Mention]]:
    """The map to draw for the window's (and event's) place mentions, and the mentions."""
    return places_of(session, [*in_window(window), *where], jurisdiction(session))


def add_map(b: Builder, s: Section, pmap: PlaceMap, title: str) -> bool:
    """The map as a chart of the report, if there are boundaries to draw it on and two
    regions at least (one shaded region says no more than the sentence beside it)."""
    geo = boundary(pmap.map_code) if pmap.map_code else None
    if geo is None or len(pmap.regions) < 2:
        return False
    names = {
        str(f.get("properties", {}).get("adcode", "")): str(f.get("properties", {}).get("name", ""))
        for f in geo.get("features", [])
    }
    b.charts["map"] = {
        "title": title,
        "kind": "map",
        "map": pmap.map_code,
        "level": pmap.level,
        "labels": [names.get(r.code, r.code) for r in pmap.regions],
        "codes": [r.code for r in pmap.regions],
        "values": [r.count for r in pmap.regions],
        "own": [r.highlighted for r in pmap.regions],
    }
    s.chart("map")
    return True


def report_terms(
    session: Session, window: Window, *where: Any, originals_only: bool = True
) -> list[Term]:
    """Key terms of the window's items (an event's copies counted, as on its page)."""
    return terms_of(
        session,
        [*in_window(window), *where],
        own_names(session, ""),  # the units' names, the city's among them
        CLOUD_TERMS,
        originals_only=originals_only,
    )


def add_terms(b: Builder, s: Section, terms: list[Term], title: str) -> None:
    """A sentence naming the strongest terms, the word cloud and the table of weights."""
    if not terms:
        return
    named = "".join(f"“{t.term}”" for t in terms[:5])
    s.para(f"从关键词看，信息中较为突出的词语有{named}等。")
    b.charts["cloud"] = {
        "title": title,
        "kind": "cloud",
        "labels": [t.term for t in terms],
        "values": [t.posts for t in terms],
    }
    s.chart("cloud")
    s.table(
        ["关键词", "涉及信息（条）", "权重（G²）"],
        [
            [t.term, str(t.posts), number_text(t.score) if t.significant else "—"]
            for t in terms[:TABLE_TERMS]
        ],
    )
    s.note(TERMS_NOTE)
