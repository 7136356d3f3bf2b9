"""Versions of a report and what changed between two of them (difflib over the
Markdown rendering, so a diff reads like the document)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.errors import NotFound
from yuqing.reports.document import build_document
from yuqing.reports.render_markdown import render_markdown
from yuqing.reports.workflow import get_report
from yuqing.store.models import ReportSeries, ReportVersion


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "hunk" or "same"
    text: str


def version_row(session: Session, report_id: int, version: int) -> ReportVersion:
    row = session.scalar(
        select(ReportVersion).where(
            ReportVersion.report_id == report_id, ReportVersion.version == version
        )
    )
    if row is None:
        raise NotFound(f"报告 {report_id} 没有第 {version} 版")
    return row


def version_content(session: Session, report_id: int, version: int) -> dict[str, object]:
    return dict(version_row(session, report_id, version).content)


def version_text(session: Session, report_id: int, version: int, tz: ZoneInfo) -> str:
    report = get_report(session, report_id)
    series = session.get(ReportSeries, report.series_id)
    assert series is not None
    row = version_row(session, report_id, version)
    return render_markdown(build_document(report, series, row.content, tz))


def diff(session: Session, report_id: int, old: int, new: int, tz: ZoneInfo) -> list[DiffLine]:
    """Line diff of two versions' text; unchanged lines kept around changes only."""
    before = version_text(session, report_id, old, tz).splitlines()
    after = version_text(session, report_id, new, tz).splitlines()
    lines = []
    for line in difflib.unified_diff(before, after, f"第{old}版", f"第{new}版", lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append(DiffLine(kind, line[1:] if kind != "hunk" else line))
    return lines
