"""When things happen: daily rhythm, storyline waves and the epidemic curve."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Final

from yuqing.demo import vocabulary as v
from yuqing.demo.rumours import STORYLINES, RumourStoryline

# China has no daylight saving time, so a fixed offset is exact and avoids a
# dependency on the system tz database.
LOCAL_TZ: Final = timezone(timedelta(hours=8), "Asia/Shanghai")

# Relative posting activity per local hour: quiet at night, peaks at noon and evening.
DIURNAL: Final[tuple[float, ...]] = (
    0.22,
    0.14,
    0.09,
    0.07,
    0.07,
    0.12,
    0.3,
    0.6,
    0.9,
    1.0,
    1.05,
    1.0,
    1.1,
    1.0,
    0.95,
    0.95,
    0.95,
    0.9,
    1.0,
    1.15,
    1.25,
    1.2,
    0.9,
    0.5,
)


def bump(day: float, centre: float, width: float) -> float:
    """A bell-shaped wave of height 1 around ``centre``."""
    return math.exp(-(((day - centre) / width) ** 2))


def theme_multiplier(theme: str, day: int, epidemic_level: float) -> float:
    """How much more (or less) a theme is discussed on ``day`` than on average."""
    d = float(day)
    if theme == v.CONTROL_MEASURES:
        return max(0.5, 1.3 - 0.08 * d)
    if theme == v.NUCLEIC_TESTING:
        return max(0.6, 1.5 - 0.1 * d)
    if theme == v.MEDICAL_CARE:
        return 0.6 + 0.8 * epidemic_level
    if theme == v.SUPPLIES:
        return 1.0 + 1.2 * bump(d, 1.0, 1.2)
    if theme == v.PRICES:  # price-gouging episode on the fourth day
        return 0.8 + 3.0 * bump(d, 3.0, 0.7)
    if theme == v.CHECKPOINTS:  # checkpoint congestion peaks on the third day
        return 0.8 + 3.0 * bump(d, 2.0, 0.7)
    if theme == v.QUARANTINE:
        return 1.0 + 0.6 * bump(d, 2.0, 1.5)
    if theme == v.SCHOOLS:  # online classes start early, reopening talk at the end
        return 0.8 + 1.2 * bump(d, 1.0, 0.8) + bump(d, 6.0, 0.8)
    if theme == v.RESUMPTION:
        return min(2.0, 0.4 + 0.2 * d)
    if theme == v.HELP_REQUESTS:
        return 1.0 + bump(d, 2.0, 1.2)
    if theme == v.RUMOURS:  # rumour burst on the fifth day
        return 0.6 + 3.0 * bump(d, 4.0, 0.7) + 0.5 * bump(d, 1.0, 1.0)
    if theme == v.THANKS:
        return min(2.0, 0.6 + 0.15 * d)
    return 1.0


def storyline_weight(story: RumourStoryline, day: int) -> float:
    """Share of a rumour storyline among rumours on ``day``."""
    return 0.1 + story.strength * bump(float(day), story.peak_day, story.width)


def cumulative(weights: list[float]) -> tuple[float, ...]:
    """Running totals, for picking with ``bisect``."""
    out: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class DayFacts:
    """Per-day strings that templates quote (dates, bulletin numbers)."""

    date: str
    yday: str
    tomorrow: str
    confirmed: str
    asym: str
    total: str
    cured: str
    tests: str
    level: float  # epidemic intensity 0..1 the day before, drives medical talk


def _chinese_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def build_day_facts(rng: random.Random, start_local: date, days: int) -> tuple[DayFacts, ...]:
    """Invent an epidemic curve that rises, peaks around day 2-3 and declines."""
    peak_cases = 25 + rng.random() * 40
    cumulative_cases = 60 + int(rng.random() * 90)
    new_cases: list[int] = []
    for offset in range(-1, days):
        level = bump(float(offset), 2.5, 2.8)
        new_cases.append(max(0, round(peak_cases * level + rng.random() * 4 - 2)))
    facts: list[DayFacts] = []
    for day in range(days):
        yesterday = new_cases[day]  # bulletins report the previous day
        cumulative_cases += yesterday
        today = start_local + timedelta(days=day)
        facts.append(
            DayFacts(
                date=_chinese_date(today),
                yday=_chinese_date(today - timedelta(days=1)),
                tomorrow=_chinese_date(today + timedelta(days=1)),
                confirmed=str(yesterday),
                asym=str(round(yesterday * (1.5 + rng.random() * 1.5)) + 1),
                total=str(cumulative_cases),
                cured=str(round(cumulative_cases * 0.04 * (day + 1)) + int(rng.random() * 5)),
                tests=f"{60 + rng.random() * 70:.1f}",
                level=yesterday / peak_cases if peak_cases else 0.0,
            )
        )
    return tuple(facts)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integer counts proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in exact]
    missing = total - sum(counts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[:missing]:
        counts[i] += 1
    return counts


@dataclass(frozen=True, slots=True)
class TimeGrid:
    """Hourly bins over the window, with item counts and per-day mixes."""

    start: datetime  # aware, UTC
    bin_counts: tuple[int, ...]  # items per hour bin
    bin_days: tuple[int, ...]  # day index of each bin
    bin_paths: tuple[str, ...]  # local "YYYY/MM/DD" of each bin, for URLs
    theme_cums: tuple[tuple[float, ...], ...]  # per day, over vocabulary.THEMES
    rumour_cums: tuple[tuple[float, ...], ...]  # per day, over rumours.STORYLINES


def build_time_grid(
    start: datetime, days: int, items: int, facts: tuple[DayFacts, ...]
) -> TimeGrid:
    """Lay ``items`` over ``days`` following daily rhythm and storyline waves."""
    theme_cums: list[tuple[float, ...]] = []
    rumour_cums: list[tuple[float, ...]] = []
    day_volume: list[float] = []
    base_total = sum(share for _, share, _ in v.THEME_MIX)
    for day in range(days):
        level = facts[day].level
        weights = [share * theme_multiplier(name, day, level) for name, share, _ in v.THEME_MIX]
        theme_cums.append(cumulative(weights))
        rumour_cums.append(cumulative([storyline_weight(s, day) for s in STORYLINES]))
        day_volume.append(sum(weights) / base_total)
    bin_weights: list[float] = []
    bin_days: list[int] = []
    bin_paths: list[str] = []
    for hour in range(days * 24):
        local = (start + timedelta(hours=hour)).astimezone(LOCAL_TZ)
        bin_days.append(hour // 24)
        bin_paths.append(local.strftime("%Y/%m/%d"))
        bin_weights.append(DIURNAL[local.hour] * day_volume[hour // 24])
    return TimeGrid(
        start=start,
        bin_counts=tuple(allocate(items, bin_weights)),
        bin_days=tuple(bin_days),
        bin_paths=tuple(bin_paths),
        theme_cums=tuple(theme_cums),
        rumour_cums=tuple(rumour_cums),
    )
