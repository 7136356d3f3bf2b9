"""Report series (日报, 专报, 周报, 情况通报 …) and their gap-free numbering.

A series' ``last_number`` moves only in :func:`take_number`, inside the issuing
transaction, by one atomic ``UPDATE … RETURNING``: on PostgreSQL the row lock it takes
holds a second issuer until the first commits; on SQLite the transaction began with
``BEGIN IMMEDIATE`` so writers queue anyway. A rolled-back issue gives its number back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, NotFound
from yuqing.store.models import ReportSeries

KINDS = {
    "daily": "日报",
    "special": "专报",
    "period": "周期报告",
    "bulletin": "情况通报",
}


@dataclass(frozen=True)
class SeriesSpec:
    code: str
    name: str
    kind: str
    settings: dict[str, Any]


DEFAULT_SERIES = (
    SeriesSpec("daily", "舆情日报", "daily", {}),
    SeriesSpec("special", "舆情专报", "special", {}),
    SeriesSpec("weekly", "舆情周报", "period", {"period": "week"}),
    SeriesSpec("bulletin", "情况通报", "bulletin", {"period": "week"}),
)


def ensure_default_series(session: Session, issuing_unit: str) -> list[ReportSeries]:
    """Create the default series that do not exist yet; keep edited ones as they are."""
    existing = {s.code: s for s in session.scalars(select(ReportSeries))}
    for spec in DEFAULT_SERIES:
        if spec.code not in existing:
            row = ReportSeries(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                issuing_unit=issuing_unit or None,
                settings=dict(spec.settings),
                last_number=0,
            )
            session.add(row)
            existing[spec.code] = row
    session.flush()
    return sorted(existing.values(), key=lambda s: s.id)


def add_series(
    session: Session,
    code: str,
    name: str,
    kind: str,
    issuing_unit: str | None = None,
    period: str = "week",
) -> ReportSeries:
    """A new series, e.g. a 月报 (kind period, settings period=month)."""
    if kind not in KINDS:
        raise BadInput(f"报告系列 {code}：未知类型 {kind!r}，应为 {'、'.join(KINDS)}")
    if not code.strip() or not name.strip():
        raise BadInput("报告系列的代码和名称不能为空")
    if session.scalar(select(ReportSeries.id).where(ReportSeries.code == code)) is not None:
        raise BadInput(f"报告系列 {code} 已存在")
    if period not in ("week", "month"):
        raise BadInput(f"报告系列 {code}：周期应为 week 或 month，而不是 {period!r}")
    settings: dict[str, Any] = {"period": period} if kind in ("period", "bulletin") else {}
    row = ReportSeries(
        code=code, name=name, kind=kind, issuing_unit=issuing_unit, settings=settings
    )
    session.add(row)
    session.flush()
    return row


def get_series(session: Session, code: str) -> ReportSeries:
    row = session.scalar(select(ReportSeries).where(ReportSeries.code == code))
    if row is None:
        raise NotFound(f"报告系列 {code} 不存在")
    return row


def describe_series(session: Session, code: str) -> SeriesSpec:
    """A series as stored, or as it will be created (nothing is written on reading)."""
    row = session.scalar(select(ReportSeries).where(ReportSeries.code == code))
    if row is not None:
        return SeriesSpec(row.code, row.name, row.kind, dict(row.settings))
    for spec in DEFAULT_SERIES:
        if spec.code == code:
            return spec
    raise NotFound(f"报告系列 {code} 不存在")


def take_number(session: Session, series_id: int) -> int:
    """The series' next issue number, reserved until this transaction ends."""
    number = session.execute(
        update(ReportSeries)
        .where(ReportSeries.id == series_id)
        .values(last_number=ReportSeries.last_number + 1)
        .returning(ReportSeries.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if number is None:
        raise NotFound(f"报告系列 {series_id} 不存在")
    return int(number)
