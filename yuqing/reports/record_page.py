"""A page of the records behind a report figure: what every figure's list looks like."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yuqing.store.models import FieldReport

PER_PAGE = 50


@dataclass(frozen=True)
class RecordRow:
    title: str
    href: str | None
    when: datetime | None
    note: str = ""


@dataclass(frozen=True)
class RecordPage:
    label: str
    total: int
    rows: list[RecordRow]
    page: int
    pages: int


def page_of(
    session: Session,
    query: Select[Any],
    label: str,
    page: int,
    row: Callable[[Any], RecordRow],
    *,
    joined: bool = False,
) -> RecordPage:
    """One page of ``query``'s rows, each made a :class:`RecordRow` by ``row``: given
    the first entity of a row, or with ``joined`` the whole row (entity and its joins)."""
    total = int(
        session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    window = query.limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)
    found = session.execute(window).all() if joined else session.scalars(window).all()
    pages = max(1, -(-total // PER_PAGE))
    return RecordPage(label, total, [row(r) for r in found], page, pages)


def field_row(report: FieldReport) -> RecordRow:
    title = "今日无情况" if report.is_zero else report.title or "（无标题）"
    return RecordRow(title, f"/network/reports/{report.id}", report.submitted_at)
