"""Feeds in legacy Chinese encodings over real HTTP (issue 15, findings 1–2): the
charset declared in the header only, in the XML only, in neither, or the two in
conflict; a well-formed feed without entries is an ok poll with nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from yuqing.collect.connectors.base import PollContext
from yuqing.collect.connectors.rss import RssConnector, parse_feed
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.ingest import SourceInfo
from yuqing.collect.poll import poll_source
from yuqing.collect.records import RawItem
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.errors import BadInput
from yuqing.store.db import Database

TZ = ZoneInfo("Asia/Shanghai")
SIMPLIFIED = ("昆都仑区新增核酸检测点", "市场监管局表示口罩供应充足，请市民不要囤积。")
TRADITIONAL = ("昆都崙區新增核酸檢測點", "市場監管局表示口罩供應充足，請市民不要囤積。")


def feed_xml(title: str, text: str, declared: str | None) -> str:
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    return (
        f'{head}<rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title><link>/news/1.html</link>"
        f"<description>{text}</description></item></channel></rss>"
    )


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(min_interval=0.0, retries=0)) as f:
        yield f


def poll_feed(server: HTTPServer, fetcher: Fetcher, body: bytes, content_type: str) -> RawItem:
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/feed.xml").respond_with_data(body, content_type=content_type)
    url = server.url_for("/feed.xml")
    source = SourceInfo(None, "rss", False, None, "feed", url, {}, allow_private=True)
    ctx = PollContext(fetcher=fetcher, tz=TZ, is_known_url=lambda _u: False)
    [record] = list(RssConnector().poll(source, ctx))
    assert isinstance(record, RawItem)
    return record


CASES = [
    # (codec, header charset, XML declaration, texts)
    ("gb2312", "gb2312", None, SIMPLIFIED),
    ("gbk", "gbk", None, SIMPLIFIED),
    ("big5", "big5", None, TRADITIONAL),
    ("gb2312", None, "gb2312", SIMPLIFIED),
    ("gbk", None, "gbk", SIMPLIFIED),
    ("big5", None, "big5", TRADITIONAL),
    ("gb2312", None, None, SIMPLIFIED),
    ("gbk", None, None, SIMPLIFIED),
    ("big5", None, None, TRADITIONAL),
    # conflicts: the bytes are in the first codec, one declaration says another
    ("big5", "gb2312", "big5", TRADITIONAL),
    ("gbk", "big5", "gbk", SIMPLIFIED),
    ("big5", "big5", "gb2312", TRADITIONAL),
    ("gbk", "gbk", "big5", SIMPLIFIED),
    ("gb2312", "utf-8", "gb2312", SIMPLIFIED),
    ("gbk", "iso-8859-1", None, SIMPLIFIED),
]


@pytest.mark.parametrize(("codec", "header", "declared", "texts"), CASES)
def test_legacy_feed_is_read_as_written(
    httpserver: HTTPServer,
    fetcher: Fetcher,
    codec: str,
    header: str | None,
    declared: str | None,
    texts: tuple[str, str],
) -> None:
    title, text = texts
    body = feed_xml(title, text, declared).encode(codec)
    content_type = "application/rss+xml" + (f"; charset={header}" if header else "")
    record = poll_feed(httpserver, fetcher, body, content_type)
    assert record.title == title
    assert record.body == text


def test_empty_feed_is_an_ok_poll_with_nothing_new(
    sqlite_db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    empty = '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
    empty += "<title>青岚日报</title></channel></rss>"
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/empty.xml").respond_with_data(
        empty.encode("gb2312"), content_type="text/xml"
    )
    with sqlite_db.transaction() as session:
        spec = {"name": "空频道", "kind": "rss", "url": httpserver.url_for("/empty.xml")}
        source_id = upsert_source(session, parse_spec({"allow_private": True, **spec})).id
    report = poll_source(sqlite_db, source_id, fetcher=fetcher, secret="s" * 32, tz=TZ)
    assert (report.status, report.error, report.summary.read) == ("ok", None, 0)


@pytest.mark.parametrize(
    "text",
    ["", "not a feed at all", "<html><body><p>首页</p></body></html>", "<rss><channel><title>x"],
)
def test_no_feed_is_still_a_failure(text: str) -> None:
    with pytest.raises(BadInput, match="cannot be read"):
        parse_feed(text, "http://feeds.example/feed.xml")


@settings(max_examples=60)
@given(
    title=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30),
    extra=st.text(max_size=200),
)
def test_feed_parser_never_raises_but_bad_input(title: str, extra: str) -> None:
    """Any decoded text: a feed, or BadInput naming the URL; nothing else escapes."""
    text = feed_xml(title.replace("<", "&lt;").replace("&", "&amp;"), "正文", None) + extra
    for candidate in (text, extra):
        try:
            parse_feed(candidate, "http://feeds.example/x")
        except BadInput as exc:
            assert "feeds.example" in exc.message
