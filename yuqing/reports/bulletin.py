"""The 情况通报 (bulletin): the reporting network's assessment for a period, ranked and
summarised, then edited, numbered and issued through its series like every report.

The figures are :func:`yuqing.network.assessment.assess` for the period's local days
with the weights stored at drafting time; each count leads to the field reports it
counts, each rate and score to the unit's days (on time, late, missing).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.network.assessment import WEIGHT_LABELS, UnitScore, Weights, assess, load_weights
from yuqing.reports.assemble import Scope, window_json
from yuqing.reports.content import Builder, Cell, Section, fig_cell, number_text
from yuqing.reports.windows import Window
from yuqing.store.models import Directive, DirectiveTarget

# Figure keys: assess:<unit id or "all">:<measure>, assess:units, assess:silent.
NOT_APPLICABLE = "—"
COUNTS = ("reports", "zeros", "adopted")  # led to field reports
UNITS, SILENT = "assess:units", "assess:silent"
COLUMNS = [
    "排名",
    "单位",
    "报送信息",
    "零报告",
    "报送率",
    "按时率",
    "采用",
    "统计完整率",
    "任务按时率",
    "得分",
]


def unit_key(unit: int | str, measure: str) -> str:
    return f"assess:{unit}:{measure}"


def percent(rate: float) -> float:
    return round(rate * 100, 1)


def coverage(score: UnitScore) -> float:
    """Days reported (a zero report counts) out of the days due."""
    return score.days_covered / score.days_expected if score.days_expected else 0.0


def silent_units(scores: list[UnitScore]) -> list[UnitScore]:
    """Units that were due on some day and filed nothing at all, not even a zero report."""
    return [s for s in scores if s.days_expected and not s.days_covered]


def assemble_bulletin(session: Session, scope: Scope, title: str) -> dict[str, Any]:
    window = scope.window
    weights = load_weights(session)
    scores = assess(session, window.days[0], window.days[-1], window.tz, weights, now=scope.now)
    b = Builder()
    summary(b, scores, window.label())
    ranking(b, scores, tasked_units(session, window))
    shortfalls(b, scores)
    method(b.section("method", "考核办法"), weights)
    content = b.content("bulletin", title, window_json(window), None)
    content["weights"] = asdict(weights)
    return content


def summary(b: Builder, scores: list[UnitScore], period: str) -> None:
    s = b.section("summary", "总体情况")
    if not scores:
        s.para(f"{period}，没有需要报送信息的单位。")
        return
    totals = {m: sum(_count(x, m) for x in scores) for m in COUNTS}
    average = sum(x.score for x in scores) / len(scores)
    s.para(
        f"{period}，参加信息报送考核的单位共",
        b.fig(UNITS, "参加考核单位", len(scores), "家"),
        "家，共报送信息",
        b.fig(unit_key("all", "reports"), "报送信息", totals["reports"]),
        "条、零报告",
        b.fig(unit_key("all", "zeros"), "零报告", totals["zeros"], "份"),
        "份，被采用",
        b.fig(unit_key("all", "adopted"), "被采用信息", totals["adopted"]),
        f"条；平均得分{number_text(round(average, 1))}分。",
    )
    best = [x for x in scores if x.rank == 1]
    worst = [x for x in scores if x.rank == scores[-1].rank]
    s.para(
        f"得分最高的是{_names(best)}（{number_text(best[0].score)}分）"
        + (
            f"，得分最低的是{_names(worst)}（{number_text(worst[0].score)}分）。"
            if worst[0].rank != 1
            else "。"
        )
    )
    silent = silent_units(scores)
    count = b.fig(SILENT, "未报送任何信息的单位", len(silent), "家")
    if silent:
        s.para("考核期内未报送任何信息（含零报告）的单位", count, f"家：{_names(silent)}。")
    else:
        s.para("考核期内各单位均有报送（含零报告），未报送任何信息的单位", count, "家。")


def _names(scores: list[UnitScore]) -> str:
    return "、".join(x.unit_name for x in scores)


def _count(score: UnitScore, measure: str) -> int:
    return {
        "reports": score.reports_filed,
        "zeros": score.zero_reports,
        "adopted": score.adopted,
    }[measure]


def tasked_units(session: Session, window: Window) -> set[int]:
    """Units sent a directive in the period: for the others the rate does not apply."""
    return set(
        session.scalars(
            select(DirectiveTarget.unit_id)
            .join(Directive, Directive.id == DirectiveTarget.directive_id)
            .where(Directive.created_at >= window.start, Directive.created_at < window.end)
        )
    )


def ranking(b: Builder, scores: list[UnitScore], tasked: set[int]) -> None:
    """The ranked table; every number a figure of its own, "—" where a rate does not
    apply (no directive sent), as assess() leaves it out of the score."""
    s = b.section("ranking", "考核排名")
    if not scores:
        s.para("本期无考核数据。")
        return
    rows: list[list[Cell]] = []
    for x in scores:
        rows.append(
            [
                str(x.rank),
                x.unit_name,
                _fig(b, x, "reports", x.reports_filed, "条"),
                _fig(b, x, "zeros", x.zero_reports, "份"),
                _fig(b, x, "coverage", percent(coverage(x)), "%", "报送率"),
                _fig(b, x, "on_time", percent(x.on_time_rate), "%", "按时率"),
                _fig(b, x, "adopted", x.adopted, "条"),
                _fig(b, x, "tallies", percent(x.tally_completeness), "%", "统计完整率"),
                _fig(b, x, "directives", percent(x.directives_on_time), "%", "任务按时率")
                if x.unit_id in tasked
                else NOT_APPLICABLE,
                _fig(b, x, "score", x.score, "分", "得分"),
            ]
        )
    s.table(COLUMNS, rows)


MEASURE_LABELS = {"reports": "报送信息", "zeros": "零报告", "adopted": "被采用信息"}


def _fig(
    b: Builder, score: UnitScore, measure: str, value: float, unit: str, label: str = ""
) -> dict[str, str]:
    key = unit_key(score.unit_id, measure)
    b.fig(key, f"{score.unit_name}{label or MEASURE_LABELS[measure]}", value, unit)
    cell = fig_cell(value, key)
    if unit == "%":
        cell["text"] += "%"
    return cell


def shortfalls(b: Builder, scores: list[UnitScore]) -> None:
    """Units that missed days, so that the bulletin names what to put right."""
    short = [x for x in scores if x.days_covered < x.days_expected]
    if not short:
        return
    s = b.section("shortfalls", "存在的问题")
    for x in short:
        missed = x.days_expected - x.days_covered
        s.para(
            f"{x.unit_name}：应报{x.days_expected}天，缺报{missed}天，"
            f"按时率{number_text(percent(x.on_time_rate))}%。"
        )


def method(s: Section, weights: Weights) -> None:
    parts = "、".join(
        f"{label}{number_text(getattr(weights, key))}" for key, label in WEIGHT_LABELS.items()
    )
    s.para(
        f"得分按各项比率加权计算（满分100分），权重为：{parts}。"
        "对某单位不适用的项（如未收到通知任务）不计入，其权重由其余各项分担。"
    )
