"""The stretch of time a report covers, in the deployment's time zone.

A daily report covers ``hour``:00 of the previous local day up to ``hour``:00 of its
own day (default 9:00 to 9:00); a period report covers whole local weeks or months.
Windows are half-open: ``start`` inclusive, ``end`` exclusive, both aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from yuqing.errors import BadInput

DEFAULT_HOUR = 9


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise BadInput("报告时段必须带时区")
        if self.end <= self.start:
            raise BadInput(f"报告时段有误：{self.start} 不早于 {self.end}")

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.tz)

    @property
    def days(self) -> list[date]:
        """The local days the window reports on: for 9:00–9:00 the day before its end,
        for midnight-to-midnight windows each whole day."""
        first = self.local_start.date()
        last = (self.local_end - timedelta(days=1)).date()
        count = max((last - first).days + 1, 1)
        return [first + timedelta(days=d) for d in range(count)]

    @property
    def hourly(self) -> bool:
        return self.end - self.start <= timedelta(days=3)

    def label(self) -> str:
        """Like 2026年11月16日9时至11月17日9时, or 2026年11月16日至11月22日 for whole days."""
        start, end = self.local_start, self.local_end
        if self.whole_days:
            last = self.days[-1]
            left = f"{start.year}年{start.month}月{start.day}日"
            right = f"{last.month}月{last.day}日" if last != start.date() else ""
            if last.year != start.year:
                right = f"{last.year}年{right}"
            return f"{left}至{right}" if right else left
        left = f"{start.year}年{start.month}月{start.day}日{start.hour}时"
        right = f"{end.month}月{end.day}日{end.hour}时"
        if end.year != start.year:
            right = f"{end.year}年{right}"
        return f"{left}至{right}"

    @property
    def whole_days(self) -> bool:
        """From local midnight to local midnight (weeks, months, chosen days)."""
        return all(
            (moment.hour, moment.minute, moment.second) == (0, 0, 0)
            for moment in (self.local_start, self.local_end)
        )


def _local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tz).astimezone(UTC)


def daily_window(day: date, tz: ZoneInfo, hour: int = DEFAULT_HOUR) -> Window:
    """The window of the daily report dated ``day``: ``hour`` the day before to ``hour``."""
    if not 0 <= hour <= 23:
        raise BadInput(f"日报起止时刻应为 0–23 时：{hour}")
    return Window(_local(day - timedelta(days=1), hour, tz), _local(day, hour, tz), tz)


def last_closed_daily_window(now: datetime, tz: ZoneInfo, hour: int = DEFAULT_HOUR) -> Window:
    """The latest daily window that has ended by ``now``."""
    local = now.astimezone(tz)
    day = local.date() if local.hour >= hour else local.date() - timedelta(days=1)
    return daily_window(day, tz, hour)


def week_window(day: date, tz: ZoneInfo) -> Window:
    """Monday to Sunday, the local week containing ``day``."""
    monday = day - timedelta(days=day.weekday())
    return Window(_local(monday, 0, tz), _local(monday + timedelta(days=7), 0, tz), tz)


def month_window(day: date, tz: ZoneInfo) -> Window:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Window(_local(first, 0, tz), _local(following, 0, tz), tz)


def days_window(first: date, last: date, tz: ZoneInfo) -> Window:
    """Whole local days ``first`` to ``last`` inclusive."""
    if last < first:
        raise BadInput(f"起始日期 {first} 晚于截止日期 {last}")
    return Window(_local(first, 0, tz), _local(last + timedelta(days=1), 0, tz), tz)


def period_window(period: str, day: date, tz: ZoneInfo) -> Window:
    if period == "week":
        return week_window(day, tz)
    if period == "month":
        return month_window(day, tz)
    raise BadInput(f"未知的报告周期 {period!r}：应为 week 或 month")
