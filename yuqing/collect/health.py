"""Source health: when each source last worked, how much it brings, and alerts when
one that usually brings items goes silent or keeps failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.store.alerts import raise_alert
from yuqing.store.models import Item, Source
from yuqing.store.types import utcnow

FAILING_AFTER = 3  # consecutive failed polls
SILENT_MIN_PER_DAY = 5.0  # only sources that usually bring this much can go "silent"
SILENT_MIN_HOURS = 6


@dataclass(frozen=True)
class SourceHealth:
    id: int
    name: str
    kind: str
    enabled: bool
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    items_last_day: int
    items_per_day: float  # average over the seven days before the last one
    state: str  # ok, failing, silent, new, disabled

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


STATE_LABELS = {
    "ok": "正常",
    "failing": "连续失败",
    "silent": "异常静默",
    "new": "尚未采集",
    "disabled": "已停用",
}


def source_health(session: Session, now: datetime | None = None) -> list[SourceHealth]:
    now = now or utcnow()
    day_ago, week_before = now - timedelta(days=1), now - timedelta(days=8)
    last_day = _counts(session, day_ago, now)
    week = _counts(session, week_before, day_ago)
    health = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        per_day = week.get(source.id, 0) / 7
        recent = last_day.get(source.id, 0)
        health.append(
            SourceHealth(
                source.id,
                source.name,
                source.kind,
                source.enabled,
                source.last_success_at,
                source.last_error_at,
                source.last_error,
                source.consecutive_failures,
                recent,
                per_day,
                _state(session, source, per_day, now),
            )
        )
    return health


def _counts(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    rows = session.execute(
        select(Item.source_id, func.count())
        .where(Item.collected_at >= start, Item.collected_at < end, Item.source_id.is_not(None))
        .group_by(Item.source_id)
    )
    return {source_id: count for source_id, count in rows if source_id is not None}


def _state(session: Session, source: Source, per_day: float, now: datetime) -> str:
    if not source.enabled:
        return "disabled"
    if source.consecutive_failures >= FAILING_AFTER:
        return "failing"
    if source.last_polled_at is None:
        return "new"
    if per_day >= SILENT_MIN_PER_DAY:
        quiet_for = max(
            timedelta(hours=SILENT_MIN_HOURS), timedelta(seconds=3 * source.interval_seconds)
        )
        latest = session.scalar(
            select(func.max(Item.collected_at)).where(Item.source_id == source.id)
        )
        if latest is None or latest < now - quiet_for:
            return "silent"
    return "ok"


def raise_health_alerts(session: Session, now: datetime | None = None) -> int:
    """Alert once per source and day for each source failing or gone silent."""
    now = now or utcnow()
    raised = 0
    for health in source_health(session, now):
        if health.state not in ("failing", "silent"):
            continue
        if health.state == "failing":
            title = (
                f"信息源“{health.name}”连续 {health.consecutive_failures} 次采集失败："
                f"{health.last_error}"
            )
        else:
            title = (
                f"信息源“{health.name}”异常静默：平时每天约 {health.items_per_day:.0f} 条，"
                "近期没有新信息"
            )
        raised += raise_alert(
            session,
            kind=f"source_{health.state}",
            title=title,
            dedupe_key=f"source_{health.state}:{health.id}:{now.date().isoformat()}",
            detail={"source_id": health.id, "last_error": health.last_error},
            severity="major",
        )
    return raised
