"""The window a new report covers, from its series and what the editor chose."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.reports.special import event_window
from yuqing.reports.windows import Window, daily_window, days_window, period_window
from yuqing.store.models import ReportSeries

MAX_PERIOD_DAYS = 366


def window_for(
    series: ReportSeries,
    tz: ZoneInfo,
    hour: int,
    day: date | None,
    event_id: int | None,
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Window:
    """The window a new report of ``series`` covers: by event, by chosen days (period
    reports and bulletins, ``start`` to ``end``), by day or the period of ``day``."""
    if series.kind == "special":
        if event_id is None:
            raise BadInput(f"{series.name}需要指定一个事件")
        return event_window(session, event_id, tz)[1]
    if series.kind != "daily" and (start or end):
        if not (start and end):
            raise BadInput(f"{series.name}需要同时指定起止日期")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise BadInput(f"{series.name}的时段最长 {MAX_PERIOD_DAYS} 天")
        return days_window(start, end, tz)
    if day is None:
        raise BadInput(f"{series.name}需要指定日期")
    if series.kind == "daily":
        return daily_window(day, tz, int(series.settings.get("window_hour", hour)))
    return period_window(str(series.settings.get("period", "week")), day, tz)
