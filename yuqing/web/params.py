"""Reading query parameters people type: one clear error naming the value."""

from __future__ import annotations

from datetime import date

from yuqing.errors import BadInput


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
        return int(value)
    except ValueError as exc:
        raise BadInput(f"应为数字：{value}") from exc
