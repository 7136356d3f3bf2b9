"""Communication tallies (工作统计): a catalogue of metrics, units' daily values,
corrections that keep their history, and sums computed up the hierarchy.

Cumulative figures and roll-ups are always computed from the daily entries, never
typed. Metrics with ``auto_source`` are counted from collected items instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.cells import MAX_VALUE
from yuqing.network.scope import Reach
from yuqing.store.models import AuditEntry, Item, Source, TallyEntry, TallyMetric, Unit

OUTLET_ARTICLES = "outlet_articles"
AUTO_SOURCES = {OUTLET_ARTICLES: "监测的官方媒体发稿数（由采集自动统计）"}
# Items are counted by local day; callers pass the desk's zone, this is its default.
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TallyLine:
    metric_code: str
    name: str
    measure: str
    new: float  # sum over start..end of current values
    cumulative: float  # sum from the first entry through end
    active: bool = True  # an inactive metric still shows the values entered before


def add_metric(
    session: Session,
    code: str,
    name: str,
    measure: str,
    *,
    category: str | None = None,
    auto_source: str | None = None,
    user_id: int | None = None,
) -> TallyMetric:
    """Add a metric to the catalogue (codes are ASCII, unique)."""
    code = code.strip()
    if not code or not code.isascii() or " " in code:
        raise BadInput(f"指标代码 {code!r} 应为不含空格的英文字母、数字或下划线")
    if not name.strip() or not measure.strip():
        raise BadInput(f"指标 {code} 需要名称和计量单位")
    if auto_source is not None and auto_source not in AUTO_SOURCES:
        raise BadInput(f"指标 {code} 的自动来源 {auto_source!r} 未知")
    if session.scalar(select(TallyMetric.id).where(TallyMetric.code == code)) is not None:
        raise Conflict(f"指标代码 {code} 已存在")
    _check_name_free(session, name.strip(), None)
    last = session.scalar(select(func.max(TallyMetric.position))) or 0
    metric = TallyMetric(
        code=code,
        name=name.strip(),
        measure=measure.strip(),
        category=category,
        auto_source=auto_source,
        position=last + 1,
    )
    session.add(metric)
    session.flush()
    _audit(session, user_id, "tally_metric_added", "tally_metric", metric.id, {"code": code})
    return metric


def _check_name_free(session: Session, name: str, metric_id: int | None) -> None:
    """Names identify metrics in spreadsheets too, so two metrics may not share one."""
    other = session.scalar(
        select(TallyMetric.code).where(TallyMetric.name == name, TallyMetric.id != (metric_id or 0))
    )
    if other is not None:
        raise Conflict(f"指标名称 {name} 已被指标 {other} 使用")


def _metric(session: Session, metric_id: int) -> TallyMetric:
    metric = session.get(TallyMetric, metric_id)
    if metric is None:
        raise NotFound(f"指标 {metric_id} 不存在")
    return metric


def set_metric_active(session: Session, metric_id: int, active: bool, user_id: int | None) -> None:
    """Deactivate (gone from the forms, its entries kept and still summed) or reactivate."""
    metric = _metric(session, metric_id)
    if metric.active == active:
        return
    metric.active = active
    _audit(session, user_id, "tally_metric_active", "tally_metric", metric.id, {"active": active})


def rename_metric(
    session: Session, metric_id: int, name: str, measure: str, user_id: int | None
) -> TallyMetric:
    """A new name or measure; the code (what imports and the API may use) stays."""
    metric = _metric(session, metric_id)
    name, measure = name.strip(), measure.strip()
    if not name or not measure:
        raise BadInput(f"指标 {metric.code} 需要名称和计量单位")
    if len(name) > 100 or len(measure) > 20:
        raise BadInput(f"指标 {metric.code}：名称最多 100 字，计量单位最多 20 字")
    _check_name_free(session, name, metric.id)
    if (name, measure) == (metric.name, metric.measure):
        return metric
    previous = f"{metric.name}（{metric.measure}）"
    detail: dict[str, object] = {"name": name, "measure": measure, "previous": previous}
    metric.name, metric.measure = name, measure
    _audit(session, user_id, "tally_metric_renamed", "tally_metric", metric.id, detail)
    return metric


def move_metric(session: Session, metric_id: int, step: int, user_id: int | None) -> None:
    """Move a metric ``step`` places in the catalogue order (-1 up, +1 down)."""
    ordered = all_metrics(session)
    index = next((i for i, m in enumerate(ordered) if m.id == metric_id), None)
    if index is None:
        raise NotFound(f"指标 {metric_id} 不存在")
    target = min(max(index + step, 0), len(ordered) - 1)
    if target == index:
        return
    ordered.insert(target, ordered.pop(index))
    # renumber all: older catalogues may hold equal positions, which order by id
    for position, metric in enumerate(ordered):
        metric.position = position
    _audit(session, user_id, "tally_metric_moved", "tally_metric", metric_id, {"to": target})


def all_metrics(session: Session) -> list[TallyMetric]:
    """The whole catalogue, inactive metrics included, in catalogue order."""
    query = select(TallyMetric).order_by(TallyMetric.position, TallyMetric.id)
    return list(session.scalars(query))


def metrics(session: Session, *, typed_only: bool = False) -> list[TallyMetric]:
    """Active metrics in catalogue order; ``typed_only`` leaves out automatic ones."""
    query = select(TallyMetric).where(TallyMetric.active)
    if typed_only:
        query = query.where(TallyMetric.auto_source.is_(None))
    return list(session.scalars(query.order_by(TallyMetric.position, TallyMetric.id)))


def find_metric(session: Session, key: str) -> TallyMetric:
    """A metric by code or name."""
    key = key.strip()
    metric = session.scalar(
        select(TallyMetric).where((TallyMetric.code == key) | (TallyMetric.name == key))
    )
    if metric is None:
        raise NotFound(f"指标 {key!r} 不存在")
    return metric


def record_tally(
    session: Session,
    reach: Reach,
    unit_id: int,
    metric: TallyMetric,
    day: date,
    value: float,
    *,
    now: datetime,
    tz: ZoneInfo,
    note: str | None = None,
) -> TallyEntry:
    """Set a unit's value for a day. A different value than the current one adds a
    row and points the old one at it (a correction with its history); the same value
    again changes nothing."""
    unit = reach.require_act(session, unit_id)
    _check_entry(metric, day, value, now, tz)
    current = current_entry(session, unit.id, metric.id, day)
    if current is not None and current.value == value:
        return current
    entry = TallyEntry(
        unit_id=unit.id,
        metric_id=metric.id,
        day=day,
        value=value,
        note=(note or "").strip() or None,
        entered_by_id=reach.user_id,
    )
    session.add(entry)
    session.flush()
    action = "tally_recorded"
    detail: dict[str, object] = {"unit_id": unit.id, "metric": metric.code, "day": str(day)}
    if current is not None:
        current.superseded_by_id = entry.id
        action = "tally_corrected"
        detail["previous"] = current.value
    detail["value"] = value
    _audit(session, reach.user_id, action, "tally_entry", entry.id, detail)
    return entry


def _check_entry(metric: TallyMetric, day: date, value: float, now: datetime, tz: ZoneInfo) -> None:
    if metric.auto_source is not None:
        raise BadInput(f"指标 {metric.name} 由系统自动统计，不能手工填报")
    if not metric.active:
        raise BadInput(f"指标 {metric.name} 已停用")
    if day > now.astimezone(tz).date():
        raise BadInput(f"{metric.name} {day}：不能填报未来日期")
    if not 0 <= value <= MAX_VALUE or value != value:
        raise BadInput(f"{metric.name} {day}：数值 {value} 应为非负数")


def current_entry(session: Session, unit_id: int, metric_id: int, day: date) -> TallyEntry | None:
    return session.scalar(
        select(TallyEntry).where(
            TallyEntry.unit_id == unit_id,
            TallyEntry.metric_id == metric_id,
            TallyEntry.day == day,
            TallyEntry.superseded_by_id.is_(None),
        )
    )


def day_values(session: Session, unit_id: int, day: date) -> dict[int, TallyEntry]:
    """A unit's current entries for a day, by metric id."""
    entries = session.scalars(
        select(TallyEntry).where(
            TallyEntry.unit_id == unit_id,
            TallyEntry.day == day,
            TallyEntry.superseded_by_id.is_(None),
        )
    )
    return {e.metric_id: e for e in entries}


def history(session: Session, reach: Reach, unit_id: int, day: date) -> list[TallyEntry]:
    """Every entry a unit made for a day, corrections included, oldest first."""
    reach.require_read(session, unit_id)
    return list(
        session.scalars(
            select(TallyEntry)
            .where(TallyEntry.unit_id == unit_id, TallyEntry.day == day)
            .order_by(TallyEntry.metric_id, TallyEntry.id)
        )
    )


def tally_summary(
    session: Session,
    start: date,
    end: date,
    unit_id: int | None = None,
    *,
    tz: ZoneInfo = DEFAULT_TZ,
) -> list[TallyLine]:
    """New (start..end) and cumulative (through end) sums per metric, over
    ``unit_id``'s subtree or the whole network; only current entries count. Active
    metrics always have a line; inactive ones while anything was entered for them."""
    subtree = _subtree_path(session, unit_id)
    typed = _typed_sums(session, start, end, subtree)
    kept = _metrics_with_entries(session, end)
    lines = []
    for metric in all_metrics(session):
        if not metric.active and metric.id not in kept:
            continue
        if metric.auto_source == OUTLET_ARTICLES:
            new, total = _outlet_articles(session, start, end, subtree, tz)
        else:
            new, total = typed.get(metric.id, (0.0, 0.0))
        lines.append(TallyLine(metric.code, metric.name, metric.measure, new, total, metric.active))
    return lines


def _metrics_with_entries(session: Session, end: date) -> set[int]:
    """Metrics with a current entry on or before ``end`` anywhere in the network, so
    that every column of a summary lists the same metrics."""
    query = select(TallyEntry.metric_id).where(
        TallyEntry.superseded_by_id.is_(None), TallyEntry.day <= end
    )
    return set(session.scalars(query.distinct()))


def _subtree_path(session: Session, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位 {unit_id} 不存在")
    return unit.path


def _in_subtree(subtree: str | None) -> ColumnElement[bool]:
    if subtree is None:
        return true()
    return Unit.path.startswith(subtree, autoescape=True)


def _typed_sums(
    session: Session, start: date, end: date, subtree: str | None
) -> dict[int, tuple[float, float]]:
    rows = session.execute(
        select(TallyEntry.metric_id, TallyEntry.day, TallyEntry.value)
        .join(Unit, Unit.id == TallyEntry.unit_id)
        .where(
            TallyEntry.superseded_by_id.is_(None),
            TallyEntry.day <= end,
            _in_subtree(subtree),
        )
    )
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for metric_id, day, value in rows:
        sums[metric_id][1] += value
        if day >= start:
            sums[metric_id][0] += value
    return {k: (v[0], v[1]) for k, v in sums.items()}


def local_window(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants from start's local midnight to the midnight after end."""
    begin = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return begin, finish


def _outlet_articles(
    session: Session, start: date, end: date, subtree: str | None, tz: ZoneInfo
) -> tuple[float, float]:
    """Items published by registered public outlets: an item's own unit, else its
    source's; outlet items with neither count for the whole network only."""
    begin, finish = local_window(start, end, tz)
    unit_of_item = func.coalesce(Item.unit_id, Source.unit_id)
    query = (
        select(func.count(), func.sum(case((Item.published_at >= begin, 1), else_=0)))
        .select_from(Item)
        .join(Source, Source.id == Item.source_id)
        .where(Source.is_public_outlet, Item.published_at < finish)
    )
    if subtree is not None:
        query = query.join(Unit, Unit.id == unit_of_item).where(_in_subtree(subtree))
    total, new = session.execute(query).one()
    return float(new or 0), float(total or 0)


def _audit(
    session: Session,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int,
    detail: dict[str, object],
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
        )
    )
