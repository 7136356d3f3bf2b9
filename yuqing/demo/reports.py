"""Officers, their daily field reports and communication tallies."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from yuqing.demo import places
from yuqing.demo.models import DemoFieldReport, DemoOfficer, DemoTally, DemoTallyMetric
from yuqing.demo.report_texts import (
    ENTERPRISE_CATEGORIES,
    REPORT_CATEGORIES,
    SCHOOL_CATEGORIES,
    URGENCIES,
)
from yuqing.demo.timeline import LOCAL_TZ, DayFacts, cumulative, theme_multiplier
from yuqing.demo.vocabulary import THEME_MIX

DEADLINE: Final = time(17, 0)  # local time by which a day's report is due

RELIABLE: Final = "reliable"
OFTEN_LATE: Final = "often-late"
RARELY_REPORTS: Final = "rarely-reports"


@dataclass(frozen=True)
class OfficerSpec:
    """An officer and how dependable their reporting is."""

    username: str
    display_name: str
    unit_key: str
    role: str
    habit: str | None  # None for responders, who do not file field reports


OFFICER_SPECS: Final[tuple[OfficerSpec, ...]] = (
    OfficerSpec("officer_dc", "王静", "dc", "officer", RELIABLE),
    OfficerSpec("officer_xh", "李强", "xh", "officer", OFTEN_LATE),
    OfficerSpec("officer_kdl", "赵敏", "kdl", "officer", RELIABLE),
    OfficerSpec("officer_lj", "陈晨", "lj", "officer", RARELY_REPORTS),
    OfficerSpec("officer_dc_gulou", "刘洋", "dc-gulou", "officer", OFTEN_LATE),
    OfficerSpec("officer_kdl_gangcheng", "孙悦", "kdl-gangcheng", "officer", RELIABLE),
    OfficerSpec("officer_lj_baisha", "周婷", "lj-baisha", "officer", RELIABLE),
    OfficerSpec("officer_school_no1", "吴昊", "school-no1", "officer", RELIABLE),
    OfficerSpec("officer_school_shiyan", "郑琳", "school-shiyan", "officer", RELIABLE),
    OfficerSpec("officer_ent_heavy", "黄磊", "ent-heavy", "officer", RELIABLE),
    OfficerSpec("responder_health", "何佳", "dept-health", "responder", None),
    OfficerSpec("responder_market", "马骏", "dept-market", "responder", None),
    OfficerSpec("responder_transport", "高原", "dept-transport", "responder", None),
    OfficerSpec("responder_education", "林晓", "dept-education", "responder", None),
)

# (metric, typical daily value for a district-sized unit)
TALLY_METRICS: Final[tuple[tuple[DemoTallyMetric, float], ...]] = (
    (DemoTallyMetric("articles", "新闻稿件", "篇"), 3.0),
    (DemoTallyMetric("new_media", "新媒体作品", "条"), 8.0),
    (DemoTallyMetric("leaflets", "宣传单", "份"), 800.0),
    (DemoTallyMetric("posters", "海报", "张"), 60.0),
    (DemoTallyMetric("boards", "展板", "块"), 6.0),
    (DemoTallyMetric("banners", "横幅", "条"), 10.0),
    (DemoTallyMetric("screens", "电子屏", "块"), 12.0),
    (DemoTallyMetric("vehicles", "宣传车", "辆次"), 4.0),
    (DemoTallyMetric("broadcast_hours", "广播时长", "小时"), 6.0),
    (DemoTallyMetric("visits", "入户走访", "户"), 300.0),
)

_ALL_METRICS: Final = frozenset(m.code for m, _ in TALLY_METRICS)
_GRASSROOTS_METRICS: Final = _ALL_METRICS - {"articles"}
_DISPLAY_METRICS: Final = frozenset({"new_media", "posters", "boards", "banners", "screens"})

# Which metrics a kind of unit counts, and how big it is compared with a district.
TALLY_PROFILE: Final[dict[str, tuple[float, frozenset[str]]]] = {
    "district": (1.0, _ALL_METRICS),
    "county": (1.0, _ALL_METRICS),
    "street": (0.4, _GRASSROOTS_METRICS),
    "town": (0.4, _GRASSROOTS_METRICS),
    "school": (0.15, _DISPLAY_METRICS | {"visits"}),
    "enterprise": (0.2, _DISPLAY_METRICS | {"broadcast_hours"}),
    "department": (0.3, frozenset({"articles", "new_media", "leaflets", "posters", "screens"})),
}

ZERO_SHARE: Final[dict[str, float]] = {
    "district": 0.2,
    "county": 0.2,
    "street": 0.3,
    "town": 0.3,
    "school": 0.5,
    "enterprise": 0.5,
}


def officers() -> list[DemoOfficer]:
    """All staff users of the scenario."""
    return [DemoOfficer(s.username, s.display_name, s.unit_key, s.role) for s in OFFICER_SPECS]


def _unit_kinds() -> dict[str, str]:
    return {spec[0]: spec[2] for spec in places.UNIT_SPECS}


def _district_of(unit_key: str) -> str:
    """The district a unit lies in (schools and enterprises hang off their district)."""
    parents = {spec[0]: spec[3] for spec in places.UNIT_SPECS}
    key: str | None = unit_key
    while key is not None and key not in places.CHECKPOINTS:
        key = parents.get(key)
    return key or "dc"


def reporting_days(rng: random.Random, habit: str, days: int) -> list[int]:
    """Day indexes on which an officer files anything at all."""
    if habit != RARELY_REPORTS:
        return list(range(days))
    present = [day for day in range(days) if rng.random() < 0.35]
    if len(present) == days:
        present.pop()  # this officer always misses at least one day
    if not present and days >= 2:
        present.append(int(rng.random() * days))
    return sorted(present)


def submission_time(rng: random.Random, habit: str, report_day: date) -> datetime:
    """When a day's report arrives, as aware UTC."""
    late_share = 0.6 if habit == OFTEN_LATE else 0.05
    local_midnight = datetime.combine(report_day, time(0, 0), tzinfo=LOCAL_TZ)
    if rng.random() < late_share:
        minutes = 17 * 60 + 5 + int(rng.random() * 270)  # 17:05 - 21:35
    else:
        minutes = 14 * 60 + int(rng.random() * 175)  # 14:00 - 16:55
    offset = timedelta(minutes=minutes, seconds=int(rng.random() * 60))
    return (local_midnight + offset).astimezone(UTC)


def _category(rng: random.Random, kind: str, day: int, facts: DayFacts) -> str:
    if kind == "school":
        allowed: tuple[str, ...] = SCHOOL_CATEGORIES
    elif kind == "enterprise":
        allowed = ENTERPRISE_CATEGORIES
    else:
        allowed = tuple(REPORT_CATEGORIES)
    shares = {name: share for name, share, _ in THEME_MIX}
    themes = [REPORT_CATEGORIES[category][0] for category in allowed]
    weights = [shares[theme] * theme_multiplier(theme, day, facts.level) for theme in themes]
    cum = cumulative(weights)
    return allowed[bisect(cum, rng.random() * cum[-1])]


def _urgency(rng: random.Random) -> str:
    cum = cumulative([share for _, share in URGENCIES])
    return URGENCIES[bisect(cum, rng.random() * cum[-1])][0]


def _place(rng: random.Random, pool: str, district: str) -> str:
    options = {
        "site": places.TESTING_SITES,
        "shop": places.SHOPS,
        "checkpoint": places.CHECKPOINTS,
        "hospital": places.HOSPITALS,
    }[pool][district]
    return options[int(rng.random() * len(options))]


def _report(
    rng: random.Random,
    spec: OfficerSpec,
    kind: str,
    day: int,
    report_day: date,
    facts: DayFacts,
    submitted: datetime,
    unit_name: str,
) -> DemoFieldReport:
    category = _category(rng, kind, day, facts)
    _theme, pool, texts = REPORT_CATEGORIES[category]
    title, body = texts[int(rng.random() * len(texts))]
    values = {
        "area": unit_name,
        "place": _place(rng, pool, _district_of(spec.unit_key)),
        "minutes": str(40 + int(rng.random() * 120)),
        "price": str(40 + int(rng.random() * 50)),
    }
    return DemoFieldReport(
        unit_key=spec.unit_key,
        officer_username=spec.username,
        report_date=report_day,
        is_zero=False,
        category=category,
        urgency=_urgency(rng),
        title=title.format(**values),
        body=body.format(**values),
        submitted_at=submitted,
    )


def build_field_reports(
    rng: random.Random, start: datetime, days: int, facts: tuple[DayFacts, ...]
) -> list[DemoFieldReport]:
    """Every officer's reports over the window, zero reports included."""
    kinds = _unit_kinds()
    names = {spec[0]: spec[1] for spec in places.UNIT_SPECS}
    first_day = start.astimezone(LOCAL_TZ).date()
    reports: list[DemoFieldReport] = []
    for spec in OFFICER_SPECS:
        if spec.habit is None:
            continue
        kind = kinds[spec.unit_key]
        for day in reporting_days(rng, spec.habit, days):
            report_day = first_day + timedelta(days=day)
            submitted = submission_time(rng, spec.habit, report_day)
            if rng.random() < ZERO_SHARE[kind]:
                reports.append(_zero_report(spec.unit_key, spec.username, report_day, submitted))
                continue
            busy = spec.unit_key == "kdl"  # the district in the news files more
            count = 1 + (rng.random() < (0.5 if busy else 0.2))
            for extra in range(count):
                at = submitted + timedelta(minutes=7 * extra)
                name = names[spec.unit_key]
                reports.append(_report(rng, spec, kind, day, report_day, facts[day], at, name))
    return _ensure_late_and_zero(reports)


def _zero_report(
    unit_key: str, username: str, report_day: date, submitted: datetime
) -> DemoFieldReport:
    """今日无情况: the officer confirms there is nothing to report."""
    return DemoFieldReport(unit_key, username, report_day, True, None, None, None, None, submitted)


def _is_late(report: DemoFieldReport) -> bool:
    local = report.submitted_at.astimezone(LOCAL_TZ)
    return local.date() > report.report_date or local.time() > DEADLINE


def _ensure_late_and_zero(reports: list[DemoFieldReport]) -> list[DemoFieldReport]:
    """Small windows may by chance lack a late or a zero report; the desk needs both to show."""
    if reports and not any(_is_late(r) for r in reports):
        last = reports[-1]
        evening = datetime.combine(last.report_date, time(19, 20), tzinfo=LOCAL_TZ)
        reports[-1] = replace(last, submitted_at=evening.astimezone(UTC))
    if reports and not any(r.is_zero for r in reports):
        first = reports[0]
        slot = (first.unit_key, first.report_date)
        reports = [r for r in reports if (r.unit_key, r.report_date) != slot]
        zero = _zero_report(
            first.unit_key, first.officer_username, first.report_date, first.submitted_at
        )
        reports.insert(0, zero)
    return reports


def build_tallies(
    rng: random.Random, start: datetime, days: int, reports: list[DemoFieldReport]
) -> list[DemoTally]:
    """Daily communication counts for units with staff, skipping days a unit went silent."""
    kinds = _unit_kinds()
    first_day = start.astimezone(LOCAL_TZ).date()
    silent = {spec.unit_key for spec in OFFICER_SPECS if spec.habit == RARELY_REPORTS}
    reported = {(r.unit_key, r.report_date) for r in reports}
    tallies: list[DemoTally] = []
    for spec in OFFICER_SPECS:
        scale, metrics = TALLY_PROFILE[kinds[spec.unit_key]]
        for day in range(days):
            report_day = first_day + timedelta(days=day)
            if spec.unit_key in silent and (spec.unit_key, report_day) not in reported:
                continue
            # Publicity work swells in the middle of the week, with the storylines.
            effort = 0.7 + 0.6 * max(0.0, 1.0 - abs(day - 3) / 4.0)
            for metric, typical in TALLY_METRICS:
                if metric.code not in metrics:
                    continue
                raw = typical * scale * effort * (0.4 + 1.2 * rng.random())
                # Broadcast time is logged in half hours, everything else in whole units.
                halves = metric.code == "broadcast_hours"
                value = round(raw * 2) / 2 if halves else float(round(raw))
                tallies.append(DemoTally(spec.unit_key, metric.code, report_day, value))
    return tallies


def tally_metrics() -> list[DemoTallyMetric]:
    """The metric catalogue."""
    return [metric for metric, _ in TALLY_METRICS]
