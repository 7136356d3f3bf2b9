"""The records behind a report figure: the items, cases, claims or field reports it
counts, listed with the same conditions the figure was computed with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from yuqing.errors import NotFound
from yuqing.reports import figures as f
from yuqing.reports import network_figures as nf
from yuqing.reports import rumour_figures as rf
from yuqing.reports.bulletin_records import assessment_page
from yuqing.reports.record_page import RecordPage, RecordRow, field_row, page_of
from yuqing.reports.windows import Window
from yuqing.reports.workflow import assembled_at, latest_version
from yuqing.store.models import (
    Case,
    Claim,
    ClaimMatch,
    Event,
    FieldReport,
    Item,
    ItemPlace,
    Report,
    Source,
    TallyEntry,
    TallyMetric,
    Unit,
)


def report_window(report: Report, tz: Any) -> Window:
    return Window(report.window_start, report.window_end, tz)


def _item_filter(key: str) -> tuple[ColumnElement[bool], ...]:
    """Conditions for an ``items…`` key: items, items:epidemic, items:topic:物价 …"""
    parts = key.split(":", 2)
    if parts == ["items"]:
        return ()
    what, arg = parts[1], parts[2] if len(parts) > 2 else ""
    if what == "epidemic":
        return (Item.topic.is_not(None),)
    if what == "local":
        return (Item.is_local.is_(True),)
    if what == "sentiment":
        return (Item.sentiment.is_(None),) if arg == f.UNANALYSED else (Item.sentiment == arg,)
    if what == "topic":
        return (Item.topic == arg,)
    if what == "place":
        return (Item.id.in_(select(ItemPlace.item_id).where(ItemPlace.code == arg)),)
    if what == "event":
        return (Item.event_id == _int(arg, key),)
    if what == "source":
        return (Item.source_id == _int(arg, key),)
    if what == "unit":
        return (Item.unit_id == _int(arg, key),)
    if what == "outlet":
        outlets = select(Source.id).where(
            Source.is_public_outlet.is_(True), func.coalesce(Source.outlet_name, Source.name) == arg
        )
        return (Item.source_id.in_(outlets),)
    raise NotFound(f"报告数字 {key} 无对应记录")


def _int(value: str, key: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise NotFound(f"报告数字 {key} 无对应记录") from exc


def _rumour_filter(key: str) -> tuple[ColumnElement[bool], ...]:
    """rumour_items[:candidate][:claim:ID]: the items the rumour figures count."""
    rest = key.removeprefix("rumour_items")
    status = rf.CONFIRMED
    if rest.startswith(":candidate"):
        status, rest = rf.CANDIDATE, rest.removeprefix(":candidate")
    if not rest:
        return (rf.item_condition(status),)
    if rest.startswith(":claim:"):
        claim_id = _int(rest.removeprefix(":claim:"), key)
        matched = select(ClaimMatch.item_id).where(
            ClaimMatch.status == status, ClaimMatch.claim_id == claim_id
        )
        return (Item.id.in_(matched),)
    raise NotFound(f"报告数字 {key} 无对应记录")


def records(session: Session, report: Report, key: str, tz: Any, page: int = 1) -> RecordPage:
    """One page of the records behind the figure ``key`` of ``report``."""
    label = str(_figure(session, report, key).get("label", key))
    window = report_window(report, tz)
    if key.startswith("items"):
        where = _item_filter(key)
    elif key.startswith("rumour_items"):
        where = _rumour_filter(key)
    else:
        return _other(session, report, key, window, label, page)
    if report.event_id is not None:
        where = (*where, Item.event_id == report.event_id)
    query = select(Item).where(*f.in_window(window), *where)
    return page_of(
        session,
        query.order_by(Item.published_at.desc(), Item.id.desc()),
        label,
        page,
        lambda i: RecordRow(
            (i.title or i.text_original[:40]).strip(), f"/items/{i.id}", i.published_at
        ),
    )


def _figure(session: Session, report: Report, key: str) -> dict[str, Any]:
    figure = latest_version(session, report.id).content.get("figures", {}).get(key)
    if figure is None:
        raise NotFound(f"报告 {report.id} 没有数字 {key}")
    return dict(figure)


def _other(
    session: Session, report: Report, key: str, window: Window, label: str, page: int
) -> RecordPage:
    conditions = f.case_conditions(window)
    if key.startswith("cases:") and key[6:] in conditions:
        cases = select(Case).where(*conditions[key[6:]]).order_by(Case.created_at, Case.id)
        return page_of(
            session,
            cases,
            label,
            page,
            lambda c: RecordRow(c.title, f"/cases/{c.id}", c.created_at),
        )
    if key in ("rumours", "rumours:candidate"):
        return page_of(session, _claims_met(session, key, window, report), label, page, _claim_row)
    if key in ("rumour_events", "rumour_events:candidate"):
        status = rf.CANDIDATE if key.endswith(":candidate") else rf.CONFIRMED
        ids = rf.event_ids(session, window, status, *_of_event(report))
        return page_of(session, rf.event_query(ids), label, page, _event_row)
    if key == "clarified":
        query = select(Claim).where(*f.clarified_in(window)).order_by(Claim.published_at, Claim.id)
        return page_of(session, query, label, page, _claim_row)
    if key.startswith("field:"):
        return page_of(session, _field_query(key, window, report.id), label, page, field_row)
    if key.startswith("units:"):
        return _lapse_page(session, key, window, report, label)
    if key.startswith("tally:"):
        return page_of(session, _tally_query(key, window), label, page, _tally_row)
    if key.startswith("assess:"):
        return assessment_page(session, report, key, window, label, page)
    raise NotFound(f"报告数字 {key} 无对应记录")


def _of_event(report: Report) -> tuple[ColumnElement[bool], ...]:
    return () if report.event_id is None else (Item.event_id == report.event_id,)


def _claims_met(session: Session, key: str, window: Window, report: Report) -> Select[Any]:
    """The claims the rumour figure ``key`` counts (as :func:`rf.claim_lines` finds them)."""
    lines = rf.claim_lines(session, window, *_of_event(report))
    if key == "rumours":
        ids = {c.id for c in lines if c.confirmed}
    else:
        ids = {c.id for c in lines if not c.confirmed}
    return select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id)


def _event_row(event: Event) -> RecordRow:
    return RecordRow(event.title, f"/events/{event.id}", event.first_seen)


def _claim_row(claim: Claim) -> RecordRow:
    return RecordRow(claim.text, f"/factchecks/{claim.id}", claim.published_at or claim.created_at)


def _field_query(key: str, window: Window, report_id: int) -> Select[Any]:
    query = select(FieldReport).order_by(FieldReport.submitted_at, FieldReport.id)
    if key == "field:received":
        return query.where(*nf.received_in(window), FieldReport.is_zero.is_(False))
    if key == "field:zero":
        return query.where(*nf.received_in(window), FieldReport.is_zero.is_(True))
    if key == "field:adopted":
        return query.where(FieldReport.adopted_report_id == report_id)
    raise NotFound(f"报告数字 {key} 无对应记录")


def _tally_query(key: str, window: Window) -> Select[Any]:
    code = key.split(":")[1]
    days = window.days
    query = (
        select(TallyEntry)
        .join(TallyMetric, TallyMetric.id == TallyEntry.metric_id)
        .where(TallyMetric.code == code, TallyEntry.superseded_by_id.is_(None))
        .where(TallyEntry.day <= days[-1])
        .order_by(TallyEntry.day, TallyEntry.id)
    )
    if not key.endswith(":total"):
        query = query.where(TallyEntry.day >= days[0])
    return query


def _tally_row(entry: TallyEntry) -> RecordRow:
    return RecordRow(
        f"{entry.day} 单位{entry.unit_id}：{entry.value:g}", None, None, entry.note or ""
    )


def _lapse_page(
    session: Session, key: str, window: Window, report: Report, label: str
) -> RecordPage:
    status = key.split(":")[1]
    # Judged as of when the figures were assembled, so that the list matches the count.
    now = assembled_at(latest_version(session, report.id).content)
    found = [x for x in nf.lapses(session, window, now) if x.status == status]
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    rows = [RecordRow(f"{names.get(x.unit_id, x.name)}（{x.day}）", None, None) for x in found]
    return RecordPage(label, len(rows), rows, 1, 1)
