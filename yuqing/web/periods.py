"""The period a desk page or report looks at: whole local days in the desk's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.errors import BadInput
from yuqing.store.models import Item

MAX_DAYS = 366
DEFAULT_DAYS = 7
HOURLY_UP_TO_DAYS = 3


@dataclass(frozen=True)
class Period:
    """Whole local days, first_day to last_day inclusive, in the desk's time zone."""

    first_day: date
    last_day: date
    tz: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first_day, time(0), self.tz)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), self.tz)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def hourly(self) -> bool:
        return self.days <= HOURLY_UP_TO_DAYS

    def items_link(self, first: date | None = None, last: date | None = None, **extra: str) -> str:
        """The item list filtered to this period (or the days given) and ``extra``."""
        first, last = first or self.first_day, last or self.last_day
        params = {**extra, "since": first.isoformat(), "until": last.isoformat()}
        return "/items?" + urlencode(params)

    def query(self) -> str:
        return urlencode({"since": self.first_day.isoformat(), "until": self.last_day.isoformat()})


def resolve_period(
    session: Session, tz: ZoneInfo, since: date | None, until: date | None
) -> Period:
    """The days asked for; by default the week up to the newest item (demo data is old)."""
    if until is None:
        until = since + timedelta(days=DEFAULT_DAYS - 1) if since else _newest_day(session, tz)
    if since is None:
        since = until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise BadInput(f"起始日期 {since} 晚于截止日期 {until}")
    if (until - since).days >= MAX_DAYS:
        raise BadInput(f"时间段最长 {MAX_DAYS} 天")
    return Period(since, until, tz)


def _newest_day(session: Session, tz: ZoneInfo) -> date:
    newest = session.scalar(select(func.max(Item.published_at)))
    return (newest or datetime.now(UTC)).astimezone(tz).date()
