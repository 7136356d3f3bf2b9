"""The records behind a bulletin's figures: the units assessed, a unit's field reports,
its tally entries, the directives sent to it, or its days (on time, late, missing).

Each list is judged as of the draft's assembly with the weights then stored, so that
it matches the figure it explains even after late reports arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.errors import NotFound
from yuqing.network.assessment import UnitScore, Weights, assess
from yuqing.network.compliance import STATUS_LABELS, window_compliance
from yuqing.reports.bulletin import COUNTS, SILENT, UNITS, silent_units
from yuqing.reports.record_page import RecordPage, RecordRow, field_row, page_of
from yuqing.reports.windows import Window
from yuqing.reports.workflow import assembled_at, latest_version
from yuqing.store.models import (
    Directive,
    DirectiveTarget,
    FieldReport,
    Report,
    TallyEntry,
    TallyMetric,
)


def assessment_page(
    session: Session, report: Report, key: str, window: Window, label: str, page: int
) -> RecordPage:
    """The records of the bulletin figure ``key`` (assess:…)."""
    content = latest_version(session, report.id).content
    now, weights = assembled_at(content), Weights(**content.get("weights", {}))
    first, last = window.days[0], window.days[-1]
    scores = assess(session, first, last, window.tz, weights, now=now)
    if key in (UNITS, SILENT):
        return _units_page(label, scores if key == UNITS else silent_units(scores))
    parts = key.split(":")
    if len(parts) != 3:
        raise NotFound(f"报告数字 {key} 无对应记录")
    unit, measure = parts[1], parts[2]
    unit_ids = [x.unit_id for x in scores] if unit == "all" else [_unit_id(unit, key)]
    if measure in COUNTS:
        return page_of(session, _field_reports(unit_ids, measure, window), label, page, field_row)
    if measure == "tallies":
        query = _tally_entries(unit_ids, window)
        return page_of(session, query, label, page, _tally_row, joined=True)
    if measure == "directives":
        query = _directives(unit_ids, window)
        return page_of(session, query, label, page, _directive_row(window), joined=True)
    rows = [
        RecordRow(
            f"{d.deadline.astimezone(window.tz):%Y-%m-%d} {STATUS_LABELS[d.status]}",
            None,
            d.first_submitted_at,
            "零报告" if d.is_zero else (f"报送{d.reports}条" if d.reports else ""),
        )
        for d in window_compliance(session, first, last, window.tz, now)
        if d.unit_id in unit_ids
    ]
    return RecordPage(label, len(rows), rows, 1, 1)


def _unit_id(value: str, key: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise NotFound(f"报告数字 {key} 无对应记录") from exc


def _units_page(label: str, scores: list[UnitScore]) -> RecordPage:
    rows = [RecordRow(f"第{x.rank}名 {x.unit_name}（{x.score:g}分）", None, None) for x in scores]
    return RecordPage(label, len(rows), rows, 1, 1)


def _field_reports(unit_ids: list[int], measure: str, window: Window) -> Any:
    """What assess() counts: reports (or zero reports) dated in the period."""
    query = select(FieldReport).where(
        FieldReport.unit_id.in_(unit_ids),
        FieldReport.report_date.between(window.days[0], window.days[-1]),
        FieldReport.is_zero.is_(measure == "zeros"),
    )
    if measure == "adopted":
        query = query.where(FieldReport.adopted.is_(True))
    return query.order_by(FieldReport.report_date, FieldReport.id)


def _tally_entries(unit_ids: list[int], window: Window) -> Any:
    return (
        select(TallyEntry, TallyMetric)
        .join(TallyMetric, TallyMetric.id == TallyEntry.metric_id)
        .where(
            TallyEntry.unit_id.in_(unit_ids),
            TallyEntry.day.between(window.days[0], window.days[-1]),
            TallyEntry.superseded_by_id.is_(None),
        )
        .order_by(TallyEntry.day, TallyMetric.position, TallyEntry.id)
    )


def _tally_row(row: Any) -> RecordRow:
    entry, metric = row
    text = f"{entry.day} {metric.name}：{entry.value:g}{metric.measure}"
    return RecordRow(text, None, None, entry.note or "")


def _directives(unit_ids: list[int], window: Window) -> Any:
    """What assess() rates: the directives sent to the unit in the period."""
    return (
        select(DirectiveTarget, Directive)
        .join(Directive, Directive.id == DirectiveTarget.directive_id)
        .where(
            DirectiveTarget.unit_id.in_(unit_ids),
            Directive.created_at >= window.start,
            Directive.created_at < window.end,
        )
        .order_by(Directive.created_at, Directive.id)
    )


def _directive_row(window: Window) -> Callable[[Any], RecordRow]:
    def row(found: Any) -> RecordRow:
        target, directive = found
        # As assess() judges it: without a deadline, due by the end of the period.
        due = directive.deadline or window.end
        if target.completed_at is None:
            note = "未完成"
        else:
            note = "按时完成" if target.completed_at <= due else "逾期完成"
        return RecordRow(directive.title, "/network/directives", directive.created_at, note)

    return row
