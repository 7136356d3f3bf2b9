"""Reading the values people type into spreadsheet cells: days, counts, deadlines.

Excel hands over dates as datetimes and numbers as floats; CSV hands over text in
whatever form the clerk typed ("2026/11/16", "2026年11月16日", "1,200"). Each reader
returns the value or raises BadInput naming what it could not read.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time

from yuqing.errors import BadInput

_DAY = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：时点]\s*(\d{2})?\s*分?\s*$")
_NUMBER = re.compile(r"^[+]?(\d+(,\d{3})*|\d*)(\.\d+)?$")
MAX_VALUE = 1e12  # more than any unit hands out in a day: a typo, not a count


def cell_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def parse_day(raw: object) -> date:
    """A calendar day from a date cell or text such as 2026-11-16, 2026/11/16, 2026年11月16日."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = cell_text(raw)
    found = _DAY.match(text)
    if found is None:
        raise BadInput(f"日期 {text!r} 无法识别，应为 YYYY-MM-DD")
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError as exc:
        raise BadInput(f"日期 {text!r} 不存在") from exc


def parse_value(raw: object) -> float:
    """A non-negative count from a number cell or text such as 1,200 or 3.5."""
    if isinstance(raw, bool):
        raise BadInput(f"数值 {raw!r} 不是数字")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = cell_text(raw).replace("，", ",").replace(" ", "")
        if not text or not _NUMBER.match(text) or text in {".", "+", "+."}:
            raise BadInput(f"数值 {text!r} 不是非负数字")
        value = float(text.replace(",", ""))
    if not math.isfinite(value) or value < 0 or value > MAX_VALUE:
        raise BadInput(f"数值 {raw!r} 应为 0 到 {MAX_VALUE:.0e} 之间的数字")
    return value


def parse_deadline(raw: object) -> time:
    """A daily deadline from a time cell or text such as 17:00, 17点, 9:30."""
    if isinstance(raw, datetime):
        return raw.time().replace(second=0, microsecond=0)
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0)
    text = cell_text(raw)
    found = _TIME.match(text)
    if found is None:
        raise BadInput(f"截止时间 {text!r} 无法识别，应为 HH:MM")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        raise BadInput(f"截止时间 {text!r} 不存在")
    return time(hour, minute)
