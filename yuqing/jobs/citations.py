"""What issued reports cite, which retention keeps: the items, events and cases their
links name (in any saved version) and the field reports adopted into them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.store.models import FieldReport, Report, ReportStatus, ReportVersion

_LINK = re.compile(r"^/(items|events|cases)/(\d{1,18})(?:[/?#]|$)")


@dataclass
class Cited:
    items: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    field_reports: set[int] = field(default_factory=set)


def links(content: Any) -> Iterator[str]:
    """Every ``href`` anywhere in a report's content."""
    if isinstance(content, dict):
        href = content.get("href")
        if isinstance(href, str):
            yield href
        for value in content.values():
            yield from links(value)
    elif isinstance(content, list):
        for value in content:
            yield from links(value)


def cited_records(session: Session) -> Cited:
    cited = Cited()
    issued = select(Report.id).where(Report.status == ReportStatus.ISSUED.value)
    versions = select(ReportVersion.content).where(ReportVersion.report_id.in_(issued))
    for content in session.scalars(versions):
        for href in links(content):
            if match := _LINK.match(href):
                getattr(cited, match.group(1)).add(int(match.group(2)))
    adopted = select(FieldReport.id).where(FieldReport.adopted_report_id.in_(issued))
    cited.field_reports = set(session.scalars(adopted))
    return cited
