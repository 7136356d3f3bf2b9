"""Column-mapping presets for platform exports, and the value parsers they share.

A preset says which export columns feed which ``RawItem`` field. Exports come from
many tools, so each field lists every header we have seen for it, Chinese first;
the first header present in a file wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit

from yuqing.collect.relative_time import parse_relative
from yuqing.errors import BadInput

COUNT_FIELDS = ("likes", "reposts", "comments", "views")
TEXT_FIELDS = ("body", "title", "url", "platform_id", "author")

# Chinese names of the fields, for messages shown to desk staff.
FIELD_LABELS = {
    "body": "正文",
    "title": "标题",
    "url": "链接",
    "platform_id": "平台ID",
    "author": "作者",
    "published_at": "发布时间",
    "likes": "点赞数",
    "reposts": "转发数",
    "comments": "评论数",
    "views": "阅读数",
}


@dataclass(frozen=True)
class Preset:
    """How one kind of export maps onto ``RawItem``."""

    name: str
    label: str
    columns: dict[str, tuple[str, ...]]
    kind: str
    # strptime formats tried after the built-in date forms, for an export's odd format
    date_formats: tuple[str, ...] = ()
    # builds a URL from the platform id when the export has no link column
    url_template: str | None = None
    # derives a stable platform id from the URL when the export has no id column
    platform_id_from_url: Callable[[str], str | None] | None = field(default=None, compare=False)


def wechat_article_id(url: str) -> str | None:
    """A stable id for a WeChat article link: ``__biz:mid:idx`` or the short-link token."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.netloc.endswith("mp.weixin.qq.com"):
        return None
    query = parse_qs(parts.query)
    biz, mid, idx = (query.get(k, [""])[0] for k in ("__biz", "mid", "idx"))
    if biz and mid:
        return f"{biz}:{mid}:{idx or '1'}"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0] == "s":
        return segments[1]
    return None


WEIBO = Preset(
    name="weibo",
    label="微博帖子导出",
    kind="post",
    columns={
        "platform_id": ("微博id", "微博ID", "mid", "idstr", "id"),
        "author": ("用户昵称", "作者", "昵称", "博主", "user.screen_name", "screen_name", "author"),
        "body": ("微博正文", "正文", "内容", "text_raw", "text", "content"),
        "published_at": ("发布时间", "发博时间", "时间", "created_at", "publish_time"),
        "reposts": ("转发数", "转发", "reposts_count", "reposts"),
        "comments": ("评论数", "评论", "comments_count", "comments"),
        "likes": ("点赞数", "点赞", "attitudes_count", "likes"),
        "views": ("阅读数", "阅读量", "reads_count", "views"),
        "url": ("微博链接", "链接", "url", "link"),
    },
    url_template="https://m.weibo.cn/detail/{platform_id}",
)

WECHAT = Preset(
    name="wechat",
    label="微信公众号文章导出",
    kind="article",
    columns={
        "author": ("公众号名称", "公众号", "账号名称", "作者", "nickname", "account", "author"),
        "title": ("标题", "文章标题", "title"),
        "body": ("正文", "内容", "摘要", "content", "digest"),
        "published_at": ("发布时间", "发文时间", "时间", "publish_time", "create_time"),
        "views": ("阅读数", "阅读量", "read_num", "reads"),
        "likes": ("在看数", "点赞数", "在看", "点赞", "like_num", "likes"),
        "comments": ("留言数", "评论数", "comment_num", "comments"),
        "reposts": ("分享数", "转发数", "share_num"),
        "url": ("原文链接", "文章链接", "链接", "url", "link"),
        "platform_id": ("文章id", "文章ID", "id"),
    },
    platform_id_from_url=wechat_article_id,
)

GENERIC = Preset(
    name="generic",
    label="通用表格（标题/正文/链接/作者/发布时间）",
    kind="post",
    columns={
        "title": ("标题", "title"),
        "body": ("正文", "内容", "content", "text", "body"),
        "url": ("链接", "网址", "url", "link"),
        "author": ("作者", "发布者", "author"),
        "published_at": ("发布时间", "时间", "日期", "published_at", "time", "date", "pubdate"),
        "likes": ("点赞数", "点赞", "likes"),
        "reposts": ("转发数", "转发", "reposts", "shares"),
        "comments": ("评论数", "评论", "comments"),
        "views": ("阅读数", "浏览量", "views", "reads"),
        "platform_id": ("编号", "平台ID", "id", "platform_id"),
    },
)

PRESETS: dict[str, Preset] = {p.name: p for p in (WEIBO, WECHAT, GENERIC)}


def normalise_header(name: str) -> str:
    """The form headers are compared in: NFKC (full-width → half-width), no spaces/BOM,
    lower-case."""
    text = unicodedata.normalize("NFKC", name).replace("\ufeff", "")
    return "".join(text.split()).lower()


def resolve_columns(preset: Preset, headers: Iterable[str]) -> dict[str, str]:
    """Field → the header that feeds it; the first accepted name present wins and
    no header feeds two fields."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, accepted in preset.columns.items():
        for candidate in accepted:
            found = by_norm.get(normalise_header(candidate))
            if found is not None and found not in used:
                mapping[name] = found
                used.add(found)
                break
    return mapping


def missing_required(mapping: dict[str, str]) -> list[str]:
    """Required fields with no column: text (body or title) and publication time."""
    missing = []
    if "body" not in mapping and "title" not in mapping:
        missing.append("body")
    if "published_at" not in mapping:
        missing.append("published_at")
    return missing


# ---------------------------------------------------------------- counts

MAX_COUNT = 10**12  # no post is seen a trillion times: a larger count is a misread column
_UNITS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "千": 1_000, "k": 1_000}
_COUNT_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)(万|亿|千|w|k)?\+?", re.ASCII)
_EMPTY = frozenset({"", "-", "--", "—", "null", "none", "n/a"})


def parse_count(value: object) -> int:
    """An engagement count: 1234, "1,234", "1.2万", "3亿", "10万+", "" (0).

    Raises BadInput saying why the value is not a count.
    """
    # fast paths for what nearly every row holds
    if type(value) is int and 0 <= value <= MAX_COUNT:
        return value
    if isinstance(value, str) and value.isdigit() and value.isascii() and len(value) < 13:
        return int(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        raise BadInput(f"{value!r} is not a number")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadInput(f"{value!r} is not a number")
        number = Decimal(value)
    elif isinstance(value, str):
        number = _count_from_text(value)
    else:
        raise BadInput(f"{_show(value)} is not a number")
    if number < 0:
        raise BadInput(f"{_show(value)} is negative")
    if number != number.to_integral_value():
        raise BadInput(f"{_show(value)} is not a whole number")
    if number > MAX_COUNT:
        raise BadInput(f"{_show(value)} is implausibly large for a count")
    return int(number)


def _count_from_text(value: str) -> Decimal:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if text in _EMPTY:
        return Decimal(0)
    text = text.replace(",", "").replace(" ", "")
    negative = text.startswith("-")
    match = _COUNT_RE.fullmatch(text.removeprefix("-"))
    if match is None:
        raise BadInput(f"{_show(value)} is not a number")
    try:
        number = Decimal(match.group(1)) * _UNITS.get(match.group(2) or "", 1)
    except InvalidOperation as exc:
        raise BadInput(f"{_show(value)} is not a number") from exc
    # "1.23456万" is an approximation anyway: round to a whole count
    if match.group(2):
        number = number.to_integral_value()
    return -number if negative else number


# ---------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"""(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?
    (?:(?:\s+|T|(?<=日))(\d{1,2})\s*[:时]\s*(\d{1,2})
       (?:\s*[:分]\s*(\d{1,2})(?:\.(\d{1,6})\d*)?(?:\s*秒)?|\s*分)?)?
    \s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?""",
    re.ASCII | re.VERBOSE | re.IGNORECASE,
)
# "Mon Nov 16 09:30:00 +0800 2026" as the Weibo and Twitter APIs write it; matched here
# rather than by strptime("%b") so that it does not depend on the process locale
_API_DATE_RE = re.compile(
    r"[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (\d{4})", re.ASCII
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_EXCEL_EPOCH = datetime(1899, 12, 30)
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # outside this a "date" is a misread column


def parse_date(
    value: object,
    tz: tzinfo,
    formats: tuple[str, ...] = (),
    reference: datetime | None = None,
) -> datetime:
    """An aware publication time; naive values are taken to be in ``tz``.

    Accepts datetime/date cells, "2026-11-16 09:30[:15]", "2026/11/16 09:30",
    "2026年11月16日 09:30", ISO 8601 with offset, "20261116", epoch seconds or
    milliseconds, Excel serial days, and any strptime ``formats`` given; with a
    ``reference`` (when the export was made) also "刚刚", "5分钟前", "今天 08:00",
    "昨天 09:30" and "11-16 09:30". Raises BadInput for anything else.
    """
    try:
        result = _parse_date(value, tz, formats)
        if result is None and reference is not None and isinstance(value, str):
            result = parse_relative(_folded(value), reference, tz)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadInput(f"{_show(value)} is not a date") from exc
    if result is None:
        raise BadInput(f"{_show(value)} is not a date")
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise BadInput(f"{_show(value)} is not a plausible date (year {result.year})")
    return result


def _parse_date(value: object, tz: tzinfo, formats: tuple[str, ...]) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_number(float(value), tz)
    if not isinstance(value, str):
        return None
    text = _folded(value)
    if len(text) > 64:  # no date is this long; also bounds the regex's work
        return None
    if text.isdigit():
        return _from_digits(text, tz)
    match = _DATE_RE.fullmatch(text)
    if match is not None:
        return _from_match(match, tz)
    api = _API_DATE_RE.fullmatch(text)
    if api is not None and api.group(1).lower() in _MONTHS:
        mon, d, h, mi, s, offset, y = api.groups()
        zone = _offset(offset)
        return datetime(int(y), _MONTHS[mon.lower()], int(d), int(h), int(mi), int(s), 0, zone)
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    return None


def _folded(value: str) -> str:
    text = value.strip()[:65]
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def _from_match(match: re.Match[str], tz: tzinfo) -> datetime:
    y, mo, d, h, mi, s, frac, offset = match.groups()
    micro = int((frac or "0").ljust(6, "0"))
    zone = _offset(offset) if offset else tz
    return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro, zone)


def _offset(text: str) -> tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if text[0] == "-" else delta)


def _from_digits(text: str, tz: tzinfo) -> datetime | None:
    if len(text) == 8:  # 20261116
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:]), tzinfo=tz)
    if len(text) == 14:  # 20261116093000
        mo, d, h, mi, s = (int(text[i : i + 2]) for i in (4, 6, 8, 10, 12))
        return datetime(int(text[:4]), mo, d, h, mi, s, tzinfo=tz)
    if len(text) in (10, 13):
        return _from_number(float(text), tz)
    return None


def _from_number(number: float, tz: tzinfo) -> datetime | None:
    if number != number:
        return None
    if 1e11 <= number < 1e14:  # epoch milliseconds
        return datetime.fromtimestamp(number / 1000, UTC).astimezone(tz)
    if 1e8 <= number < 1e11:  # epoch seconds
        return datetime.fromtimestamp(number, UTC).astimezone(tz)
    if 0 < number < 1e6:  # Excel serial days, as an unformatted date cell reads
        return (_EXCEL_EPOCH + timedelta(days=number)).replace(tzinfo=tz)
    return None


def _show(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut short."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
