"""Assessment (量化考核): per unit and period, how well it reported — scored with
configurable weights and ranked.

Weights are a stored setting (``network_settings`` row "assessment_weights"), which
admins change on the assessment page; without one the defaults below apply.
A component that does not apply to a unit (no directive was sent to it, no report
to adopt) is left out and the remaining weights share its part.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.network.compliance import LATE, ON_TIME, PENDING, UnitDay, window_compliance
from yuqing.network.tallies import local_window
from yuqing.store.models import (
    AuditEntry,
    Directive,
    DirectiveTarget,
    FieldReport,
    NetworkSetting,
    TallyEntry,
)
from yuqing.store.types import utcnow

WEIGHTS_SETTING = "assessment_weights"
WEIGHT_LABELS = {
    "coverage": "报送率（含零报告）",
    "on_time": "按时率",
    "volume": "信息量（日均1条为满分）",
    "adoption": "采用率",
    "tallies": "工作统计完整率",
    "directives": "通知任务按时完成率",
}


@dataclass(frozen=True)
class Weights:
    coverage: float = 25.0
    on_time: float = 25.0
    volume: float = 10.0
    adoption: float = 20.0
    tallies: float = 10.0
    directives: float = 10.0

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(not 0 <= v <= 1000 for v in values) or sum(values) <= 0:
            raise BadInput("考核权重应为 0 到 1000 之间的数，且不能全为 0")


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    unit_name: str
    reports_filed: int
    zero_reports: int
    days_expected: int
    days_covered: int
    on_time_rate: float
    adopted: int
    adoption_rate: float
    tally_completeness: float
    directives_on_time: float
    score: float
    rank: int


def load_weights(session: Session) -> Weights:
    stored = session.get(NetworkSetting, WEIGHTS_SETTING)
    if stored is None:
        return Weights()
    known = {f.name for f in fields(Weights)}
    return Weights(**{k: float(v) for k, v in stored.value.items() if k in known})


def save_weights(session: Session, weights: Weights, user_id: int | None) -> None:
    stored = session.get(NetworkSetting, WEIGHTS_SETTING)
    if stored is None:
        stored = NetworkSetting(name=WEIGHTS_SETTING)
        session.add(stored)
    stored.value = asdict(weights)
    stored.updated_at = utcnow()
    stored.updated_by_id = user_id
    session.add(
        AuditEntry(
            user_id=user_id,
            action="assessment_weights_set",
            object_type="network_setting",
            object_id=WEIGHTS_SETTING,
            detail=asdict(weights),
        )
    )


def assess(
    session: Session,
    start: date,
    end: date,
    tz: ZoneInfo,
    weights: Weights | None = None,
    *,
    now: datetime | None = None,
) -> list[UnitScore]:
    """Scores of every unit expected to report, best first; days not yet due are
    not held against a unit."""
    if end < start:
        raise BadInput(f"考核期 {start} 至 {end}：结束早于开始")
    weights = weights or load_weights(session)
    days = window_compliance(session, start, end, tz, now or utcnow())
    by_unit: dict[int, list[UnitDay]] = {}
    for day in days:
        by_unit.setdefault(day.unit_id, []).append(day)
    counts = _report_counts(session, start, end)
    tallied = _tallied_days(session, start, end)
    directive_rates = _directive_rates(session, start, end, tz)
    scores = [
        _score(
            unit_days,
            counts.get(unit_id, Counter()),
            tallied.get(unit_id, 0),
            directive_rates.get(unit_id),
            weights,
        )
        for unit_id, unit_days in by_unit.items()
    ]
    return _ranked(scores)


def _score(
    unit_days: list[UnitDay],
    counts: Counter[str],
    tallied: int,
    directives: float | None,
    weights: Weights,
) -> UnitScore:
    expected = sum(1 for d in unit_days if d.status != PENDING)
    covered = sum(1 for d in unit_days if d.status in (ON_TIME, LATE))
    on_time = sum(1 for d in unit_days if d.status == ON_TIME)
    filed, adopted = counts["reports"], counts["adopted"]
    parts: dict[str, float | None] = {
        "coverage": _rate(covered, expected),
        "on_time": _rate(on_time, expected),
        "volume": min(1.0, filed / expected) if expected else None,
        "adoption": _rate(adopted, filed),
        "tallies": _rate(min(tallied, expected), expected),
        "directives": directives,
    }
    applicable = {k: v for k, v in parts.items() if v is not None}
    total_weight = sum(getattr(weights, k) for k in applicable)
    score = (
        100.0 * sum(getattr(weights, k) * v for k, v in applicable.items()) / total_weight
        if total_weight
        else 0.0
    )
    first = unit_days[0]
    return UnitScore(
        unit_id=first.unit_id,
        unit_name=first.unit_name,
        reports_filed=filed,
        zero_reports=counts["zeros"],
        days_expected=expected,
        days_covered=covered,
        on_time_rate=parts["on_time"] or 0.0,
        adopted=adopted,
        adoption_rate=parts["adoption"] or 0.0,
        tally_completeness=parts["tallies"] or 0.0,
        directives_on_time=directives if directives is not None else 0.0,
        score=round(score, 1),
        rank=0,
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _ranked(scores: list[UnitScore]) -> list[UnitScore]:
    """Best first; equal scores share a rank (1, 1, 3)."""
    ordered = sorted(scores, key=lambda s: (-s.score, s.unit_name))
    ranked: list[UnitScore] = []
    for index, score in enumerate(ordered):
        tied = ranked and ranked[-1].score == score.score
        rank = ranked[-1].rank if tied else index + 1
        ranked.append(
            UnitScore(**{**{f.name: getattr(score, f.name) for f in fields(score)}, "rank": rank})
        )
    return ranked


def _report_counts(session: Session, start: date, end: date) -> dict[int, Counter[str]]:
    rows = session.execute(
        select(FieldReport.unit_id, FieldReport.is_zero, FieldReport.adopted, func.count())
        .where(FieldReport.report_date.between(start, end))
        .group_by(FieldReport.unit_id, FieldReport.is_zero, FieldReport.adopted)
    )
    counts: dict[int, Counter[str]] = {}
    for unit_id, is_zero, adopted, n in rows:
        c = counts.setdefault(unit_id, Counter())
        if is_zero:
            c["zeros"] += n
        else:
            c["reports"] += n
            c["adopted"] += n if adopted else 0
    return counts


def _tallied_days(session: Session, start: date, end: date) -> dict[int, int]:
    """Days on which each unit entered at least one tally value."""
    rows = session.execute(
        select(TallyEntry.unit_id, func.count(distinct(TallyEntry.day)))
        .where(TallyEntry.day.between(start, end), TallyEntry.superseded_by_id.is_(None))
        .group_by(TallyEntry.unit_id)
    )
    return {unit_id: int(n) for unit_id, n in rows}


def _directive_rates(session: Session, start: date, end: date, tz: ZoneInfo) -> dict[int, float]:
    """Share of the directives sent in the period that each unit completed on time."""
    begin, finish = local_window(start, end, tz)
    rows = session.execute(
        select(DirectiveTarget.unit_id, DirectiveTarget.completed_at, Directive.deadline)
        .join(Directive, Directive.id == DirectiveTarget.directive_id)
        .where(Directive.created_at >= begin, Directive.created_at < finish)
    )
    done: Counter[int] = Counter()
    sent: Counter[int] = Counter()
    for unit_id, completed, deadline in rows:
        sent[unit_id] += 1
        due = deadline or finish
        done[unit_id] += completed is not None and completed <= due
    return {unit_id: done[unit_id] / n for unit_id, n in sent.items()}
