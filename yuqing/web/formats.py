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
