"""Small formats the pages share."""

from __future__ import annotations

PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def file_size(size: int | None) -> str:
    """Bytes as a person reads them: 19 字节, 1.2 KB, 3.4 MB."""
    size = int(size or 0)
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def previewable(content_type: str | None) -> bool:
    """Images a page may show inline (never SVG, which can carry script)."""
    return (content_type or "").split(";")[0].strip().lower() in PREVIEWABLE


# Pydantic's error types in words (the rest say only that the value is not valid).
PROBLEMS = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为“是”或“否”",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "string_too_long": "内容太长",
    "string_too_short": "内容太短",
    "literal_error": "不是可选的值",
    "enum": "不是可选的值",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_from_date_parsing": "时间格式有误",
    "json_invalid": "不是有效的 JSON",
}


def problem(error: dict[str, object]) -> str:
    """One request-validation error in Chinese: which field, and what is wrong."""
    loc = error.get("loc")
    parts = list(loc)[1:] if isinstance(loc, list | tuple) else []
    where = ".".join(str(p) for p in parts) or "请求"
    return f"{where}：{PROBLEMS.get(str(error.get('type')), '取值无效')}"
