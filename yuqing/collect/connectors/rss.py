"""RSS and Atom feeds (feedparser)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from yuqing.collect.connectors.base import PollContext, fetch_if_changed
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.records import RawItem, Record, Rejected
from yuqing.errors import BadInput
from yuqing.text.html import html_to_text


class RssConnector:
    kind = "rss"

    def poll(self, source: SourceInfo, ctx: PollContext) -> Iterator[Record]:
        result = fetch_if_changed(source, ctx)
        if result is None:
            return
        feed = feedparser.parse(result.content, response_headers={"content-location": result.url})
        if feed.bozo and not feed.entries:
            raise BadInput(f"feed {source.url} cannot be read: {feed.get('bozo_exception')}")
        for number, entry in enumerate(feed.entries, start=1):
            yield entry_record(
                entry, base=result.url, origin=source.url or result.url, position=f"entry {number}"
            )


def entry_record(entry: Any, *, base: str, origin: str, position: str) -> Record:
    """One feed entry as a RawItem, or Rejected when it carries no text at all."""
    title = html_to_text(entry.get("title", "") or "") or None
    body = _entry_body(entry)
    link = entry.get("link")
    if not body and not title:
        return Rejected(
            origin, position, "feed entry has neither title nor text", repr(entry)[:2000]
        )
    return RawItem(
        body=body or title or "",
        title=title if body else None,
        url=urljoin(base, link) if link else None,
        platform_id=None if link else (entry.get("id") or None),
        author=entry.get("author") or None,
        published_at=_entry_time(entry),
        kind="article",
        origin=origin,
        position=position,
    )


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    for content in contents:
        if content.get("value"):
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary", "") or "")


def _entry_time(entry: Any) -> datetime | None:
    # feedparser gives UTC struct_times; a feed without dates falls back to collection time.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None
