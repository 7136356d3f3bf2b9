"""Reading query parameters people type: one clear error naming the value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import Field

from yuqing.errors import BadInput
from yuqing.store.search import Sort
from yuqing.web.item_search import ItemFilters

MAX_ID = 2**63 - 1  # the largest id a BIGINT column holds
MAX_PAGE = 1_000_000
# A record id in a path, query or form: larger ones would overflow the database driver.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def parse_int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise BadInput(f"应为数字：{value}") from exc
    if abs(number) > MAX_ID:
        raise BadInput(f"数字超出范围：{value}")
    return number


def parse_moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"时间格式应为 YYYY-MM-DDTHH:MM（可带时区）：{value}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def item_filters(
    q: str = "",
    since: Annotated[str | None, Query(description="本地日期 YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="本地日期 YYYY-MM-DD")] = None,
    source: Annotated[str | None, Query(description="来源编号")] = None,
    unit: Annotated[str | None, Query(description="单位编号")] = None,
    topic: str = "",
    status: str = "",
    place: Annotated[str, Query(description="地点代码或名称")] = "",
    local: Annotated[str, Query(description="1：只看涉我信息")] = "",
    sentiment: Annotated[str, Query(description="negative、neutral、positive、unanalysed")] = "",
    rule: Annotated[str | None, Query(description="监测规则编号")] = None,
    claim: Annotated[str | None, Query(description="辟谣库条目编号")] = None,
    event: Annotated[str | None, Query(description="事件编号")] = None,
    sort: Sort = "time",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    after: Annotated[str | None, Query(description="起始时刻 ISO 8601，如预警的时段")] = None,
    before: Annotated[str | None, Query(description="截止时刻 ISO 8601")] = None,
    after_id: Annotated[str | None, Query(description="按时间：该条之后的一页")] = None,
    before_id: Annotated[str | None, Query(description="按时间：该条之前的一页")] = None,
) -> ItemFilters:
    """The item list's filters from the query string (the list and its exports share them)."""
    return ItemFilters(
        q=q.strip(),
        since=parse_date(since),
        until=parse_date(until),
        source=parse_int(source),
        unit=parse_int(unit),
        topic=topic,
        status=status,
        place=place.strip(),
        local=local in ("1", "true", "on"),
        sentiment=sentiment,
        rule=parse_int(rule),
        claim=parse_int(claim),
        event=parse_int(event),
        sort=sort,
        page=page,
        after=parse_moment(after),
        before=parse_moment(before),
        after_id=parse_int(after_id),
        before_id=parse_int(before_id),
    )


ItemFiltersDep = Annotated[ItemFilters, Depends(item_filters)]
