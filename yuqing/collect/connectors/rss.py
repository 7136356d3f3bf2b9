"""RSS and Atom feeds (feedparser).

feedparser is handed text that the project's decoder has already decoded (it
weighs the HTTP charset, the XML declaration and the bytes themselves), re-encoded
as UTF-8 with the declaration saying so; left to itself on raw bytes without the
response headers, it read a GB2312 feed declared only in its header as Latin-1.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXException

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
        feed = parse_feed(result.text, result.url)
        for number, entry in enumerate(feed.entries, start=1):
            yield entry_record(
                entry, base=result.url, origin=source.url or result.url, position=f"entry {number}"
            )


_XML_DECL = re.compile(r"""^\s*<\?xml\s[^>]*?\?>""")


def parse_feed(text: str, url: str) -> Any:
    """The feed in decoded ``text``; BadInput when it is no feed at all. A
    well-formed feed without entries is a feed (with nothing new)."""
    declaration = _XML_DECL.match(text)
    body = text[declaration.end() :] if declaration else text
    data = ('<?xml version="1.0" encoding="utf-8"?>' + body.lstrip("\ufeff")).encode("utf-8")
    headers = {"content-location": url, "content-type": "application/xml; charset=utf-8"}
    feed = feedparser.parse(data, response_headers=headers)
    if not feed.entries and (not feed.get("version") or _broken(feed)):
        why = feed.get("bozo_exception") or "no RSS or Atom feed found"
        raise BadInput(f"feed {url} cannot be read: {why}")
    return feed


def _broken(feed: Any) -> bool:
    """An XML error, as opposed to a note about the content type or encoding."""
    error = feed.get("bozo_exception") if feed.bozo else None
    return isinstance(error, SAXException)


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
