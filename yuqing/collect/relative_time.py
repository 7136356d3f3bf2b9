"""Times that platforms show relative to the moment a page was saved: "刚刚",
"5分钟前", "2小时前", "今天 08:00", "昨天 09:30", "前天 21:05", and dates without a
year ("11-16 09:30", "11月16日 09:30"). An export keeps them as shown, so they
are read against the export's own time (``reference``), in the desk's zone."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

__all__ = ["parse_relative"]

_JUST_NOW = frozenset({"刚刚", "刚才", "剛剛", "剛才", "刚刚发布", "just now"})
_UNITS = {
    "秒": timedelta(seconds=1),
    "分钟": timedelta(minutes=1),
    "分鐘": timedelta(minutes=1),
    "分": timedelta(minutes=1),
    "小时": timedelta(hours=1),
    "小時": timedelta(hours=1),
    "天": timedelta(days=1),
    "日": timedelta(days=1),
    "周": timedelta(weeks=1),
    "週": timedelta(weeks=1),
}
_AGO = re.compile(
    r"(\d{1,4}|半)\s*(秒|分钟|分鐘|分|小时|小時|个小时|個小時|天|日|周|週)\s*[以之]?前"
)
_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_CLOCK = r"(?:(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)"
_NAMED_DAY = re.compile(rf"(今天|今日|昨天|昨日|前天)\s*{_CLOCK}")
_NO_YEAR = re.compile(rf"(\d{{1,2}})\s*(?:-|/|月)\s*(\d{{1,2}})\s*日?\s*{_CLOCK}?")


def parse_relative(text: str, reference: datetime, tz: tzinfo) -> datetime | None:
    """The time ``text`` names, counted back from ``reference``; None when it is
    not a relative time. ``text`` is already stripped and NFKC-folded."""
    if text.lower() in _JUST_NOW:
        return reference
    ref = reference.astimezone(tz)
    if (match := _AGO.fullmatch(text)) is not None:
        count, unit = match.groups()
        step = _UNITS[unit.removeprefix("个").removeprefix("個")]
        return ref - (step / 2 if count == "半" else step * int(count))
    if (match := _NAMED_DAY.fullmatch(text)) is not None:
        day = ref.date() - timedelta(days=_DAY_WORDS[match.group(1)])
        clock = _clock(*match.groups()[1:])
        if clock is None:
            return None
        return datetime.combine(day, clock, tz)
    if (match := _NO_YEAR.fullmatch(text)) is not None:
        return _without_year(match, ref, tz)
    return None


def _clock(hour: str | None, minute: str | None, second: str | None) -> time | None:
    """The time of day; a date without one is midnight. A bare "昨天" is refused
    (the regular expression wants a clock): midnight would be a made-up time."""
    if hour is None:
        return time(0)
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    return time(h, m, s) if h < 24 and m < 60 and s < 60 else None


def _without_year(match: re.Match[str], ref: datetime, tz: tzinfo) -> datetime | None:
    """ "11-16 09:30": this year, or last year when that would lie after the export."""
    month, day = int(match.group(1)), int(match.group(2))
    clock = _clock(*match.groups()[2:])
    if clock is None:
        return None
    for year in (ref.year, ref.year - 1):
        try:
            moment = datetime(year, month, day, clock.hour, clock.minute, clock.second, tzinfo=tz)
        except ValueError:
            return None if year != ref.year else _leap(month, day, clock, ref, tz)
        if moment <= ref + timedelta(minutes=5):  # a clock a little ahead is no future post
            return moment
    return None


def _leap(month: int, day: int, clock: time, ref: datetime, tz: tzinfo) -> datetime | None:
    """29 February shown in a non-leap year: the last leap year's."""
    for year in range(ref.year - 1, ref.year - 8, -1):
        try:
            return datetime(year, month, day, clock.hour, clock.minute, clock.second, tzinfo=tz)
        except ValueError:
            continue
    return None
