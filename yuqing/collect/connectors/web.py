"""News sites: a listing page, the article links on it, each article's text (trafilatura).

Config: ``link_selector`` (CSS, e.g. ``"ul.news a"``) or ``link_pattern`` (a regular
expression the absolute URL must match); ``max_articles`` (default 30) per poll;
``same_host`` (default true) keeps links on the listing's host. Articles already
stored are not fetched again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml.etree import ParserError

from yuqing.collect.connectors.base import PollContext, fetch_if_changed
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.records import RawItem, Record, Rejected
from yuqing.errors import BadInput, SourceUnreachable

DEFAULT_MAX_ARTICLES = 30
MIN_ARTICLE_CHARS = 20


class WebConnector:
    kind = "web"

    def poll(self, source: SourceInfo, ctx: PollContext) -> Iterator[Record]:
        listing = fetch_if_changed(source, ctx)
        if listing is None:
            return
        links = article_links(listing.text, listing.url, source.config)
        limit = int(source.config.get("max_articles", DEFAULT_MAX_ARTICLES))
        fresh = [link for link in links if not ctx.is_known_url(link)][:limit]
        for link in fresh:
            yield self._article(link, source, ctx)

    def _article(self, link: str, source: SourceInfo, ctx: PollContext) -> Record:
        try:
            page = ctx.fetcher.fetch(link, allow_private=source.allow_private)
        except SourceUnreachable as exc:
            return Rejected(link, "article", exc.message, "")
        return article_record(page.text, link, ctx, origin=source.url or link)


def article_links(html: str, base: str, config: dict[str, Any]) -> list[str]:
    """Absolute article URLs on a listing page, in page order, without repeats."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as exc:
        raise BadInput(f"listing page {base} is not HTML: {exc}") from exc
    selector = config.get("link_selector")
    anchors = root.cssselect(selector) if selector else root.iter("a")
    pattern = re.compile(config["link_pattern"]) if config.get("link_pattern") else None
    host = urlsplit(base).netloc
    seen: dict[str, None] = {}
    for anchor in anchors:
        href = anchor.get("href")
        if not href:
            continue
        url = urldefrag(urljoin(base, href.strip())).url
        if not url.startswith(("http://", "https://")):
            continue
        if config.get("same_host", True) and urlsplit(url).netloc != host:
            continue
        if pattern is not None and not pattern.search(url):
            continue
        seen.setdefault(url, None)
    return list(seen)


def article_record(html: str, url: str, ctx: PollContext, *, origin: str) -> Record:
    """The article on a page, or Rejected when the page has none."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    title = (getattr(document, "title", None) or "").strip() or None
    if title and text.startswith(title):
        text = text[len(title) :].strip()
    if len(text) < MIN_ARTICLE_CHARS:
        return Rejected(origin, url, "no article text found on the page", html[:2000])
    return RawItem(
        body=text,
        title=title,
        url=url,
        author=getattr(document, "author", None) or None,
        published_at=_published(getattr(document, "date", None), ctx),
        kind="article",
        origin=origin,
        position=url,
    )


def _published(value: str | None, ctx: PollContext) -> datetime | None:
    """trafilatura gives a date without a time: midnight of that day in the desk's zone,
    or the collection time when the date is today (the article is fresh)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    if day == ctx.now.astimezone(ctx.tz).date():
        return ctx.now
    return datetime.combine(day, time(0), ctx.tz)
