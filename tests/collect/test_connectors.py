"""Every connector against local HTTP servers and files, through one real poll."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select, update
from werkzeug import Request, Response

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.health import raise_health_alerts, source_health
from yuqing.collect.poll import PollReport, poll_source
from yuqing.collect.sources import parse_spec, take_lease, upsert_source
from yuqing.store.db import Database
from yuqing.store.models import Alert, Item, QuarantineEntry, Source

TZ = ZoneInfo("Asia/Shanghai")
SECRET = "c" * 32

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>青岚日报</title>
<item><title>昆都仑区新增核酸检测点</title><link>/news/1.html</link>
<pubDate>Mon, 16 Nov 2026 09:30:00 +0800</pubDate>
<content:encoded><![CDATA[<p>记者获悉，昆都仑区新增三个核酸检测点。</p>]]></content:encoded></item>
<item><title>口罩供应充足</title><link>/news/2.html</link>
<description>&lt;p&gt;市场监管局表示口罩供应充足。&lt;/p&gt;</description></item>
<item><link>/news/3.html</link></item>
</channel></rss>"""

ARTICLE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2026-11-16T09:30:00+08:00"></head><body>
<nav><a href="/">首页</a></nav><article><h1>{title}</h1>
<p>{text}</p><p>{text}</p></article><footer>版权所有</footer></body></html>"""


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(min_interval=0.0, retries=0)) as f:
        yield f


def add_source(db: Database, **spec: object) -> int:
    with db.transaction() as session:
        return upsert_source(session, parse_spec({"allow_private": True, **spec})).id


def poll(db: Database, source_id: int, fetcher: Fetcher) -> PollReport:
    return poll_source(db, source_id, fetcher=fetcher, secret=SECRET, tz=TZ)


def counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        items = session.scalar(select(func.count()).select_from(Item)) or 0
        held = session.scalar(select(func.count()).select_from(QuarantineEntry)) or 0
    return items, held


def test_rss_feed_entries_stored_bad_entry_quarantined(
    db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    source_id = add_source(db, name="青岚日报", kind="rss", url=httpserver.url_for("/feed.xml"))
    report = poll(db, source_id, fetcher)
    assert (report.status, report.summary.stored, report.summary.quarantined) == ("ok", 2, 1)
    with db.reading() as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        assert items[0].url == httpserver.url_for("/news/1.html")
        assert items[0].text_original == "记者获悉，昆都仑区新增三个核酸检测点。"
        assert items[0].published_at.isoformat() == "2026-11-16T01:30:00+00:00"
        assert items[1].text_original == "市场监管局表示口罩供应充足。"
        entry = session.scalars(select(QuarantineEntry)).one()
        assert entry.position == "entry 3" and "neither title nor text" in entry.reason
        source = session.get(Source, source_id)
        assert source is not None and source.etag == '"v1"' and source.last_success_at is not None
    again = poll(db, source_id, fetcher)
    assert again.summary.stored == 0 and counts(db)[0] == 2


def test_rss_not_modified_is_not_read_again(
    db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(FEED, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_handler(conditional)
    source_id = add_source(db, name="feed", kind="rss", url=httpserver.url_for("/feed.xml"))
    assert poll(db, source_id, fetcher).status == "ok"
    assert poll(db, source_id, fetcher).status == "not_modified"


@pytest.mark.parametrize(
    "body",
    ["<html>this is not a feed</html>", '<?xml version="1.0"?><rss><channel><item><title>半'],
)
def test_broken_feeds_fail_the_poll_with_a_reason(
    sqlite_db: Database, httpserver: HTTPServer, fetcher: Fetcher, body: str
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/xml")
    source_id = add_source(sqlite_db, name="坏源", kind="rss", url=httpserver.url_for("/feed.xml"))
    report = poll(sqlite_db, source_id, fetcher)
    if report.status == "failed":
        assert report.error is not None and "feed.xml" in report.error
    else:  # a truncated feed still gives what it holds
        assert report.summary.read >= 1


def test_truncated_feed_keeps_the_entries_it_has(
    sqlite_db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    truncated = FEED[: FEED.index("<item><link>/news/3.html")]
    httpserver.expect_request("/feed.xml").respond_with_data(
        truncated, content_type="application/xml"
    )
    source_id = add_source(sqlite_db, name="半截", kind="rss", url=httpserver.url_for("/feed.xml"))
    report = poll(sqlite_db, source_id, fetcher)
    assert report.summary.stored == 2


def test_news_site_articles_and_a_page_without_one(
    sqlite_db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n"
    )
    listing = (
        "<html><body><ul class='news'>"
        "<li><a href='/a/1.html'>一</a></li><li><a href='/a/2.html'>二</a></li>"
        "<li><a href='/a/empty.html'>空</a></li><li><a href='/private/x.html'>内部</a></li>"
        "</ul><a href='/about.html'>关于</a><a href='https://elsewhere.example/a/9.html'>外站</a>"
        "</body></html>"
    )
    httpserver.expect_request("/list/").respond_with_data(listing, content_type="text/html")
    for name, title in (("1", "核酸检测点开放"), ("2", "退烧药价格平稳")):
        text = f"{title}。记者从有关部门获悉，相关工作正有序推进，市民可放心。"
        httpserver.expect_request(f"/a/{name}.html").respond_with_data(
            ARTICLE.format(title=title, text=text), content_type="text/html; charset=utf-8"
        )
    httpserver.expect_request("/a/empty.html").respond_with_data(
        "<html><body><nav>首页</nav></body></html>", content_type="text/html"
    )
    source_id = add_source(
        sqlite_db,
        name="青岚发布",
        kind="web",
        url=httpserver.url_for("/list/"),
        config={"link_selector": "ul.news a"},
    )
    report = poll(sqlite_db, source_id, fetcher)
    assert (report.summary.stored, report.summary.quarantined) == (2, 2)
    with sqlite_db.reading() as session:
        reasons = sorted(e.reason for e in session.scalars(select(QuarantineEntry)))
        assert "no article text found on the page" in reasons
        assert any("robots" in r for r in reasons)
        titles = sorted(t or "" for t in session.scalars(select(Item.title)))
        assert titles == ["核酸检测点开放", "退烧药价格平稳"]
    fetched = len(httpserver.log)
    poll(sqlite_db, source_id, fetcher)
    article_requests = [r for r, _ in httpserver.log[fetched:] if r.path.startswith("/a/")]
    # stored articles are not fetched again; only the page that had none is retried
    assert [r.path for r in article_requests] == ["/a/empty.html"]


def test_partner_feed_over_http(
    sqlite_db: Database, httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    rows = [
        {"编号": "p1", "正文": "社区团购蔬菜价格上涨", "发布时间": "2026-11-16 10:00"},
        {"编号": "p2", "正文": "", "发布时间": "2026-11-16 11:00"},
    ]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/daily.jsonl").respond_with_data(
        body, content_type="application/x-ndjson"
    )
    source_id = add_source(
        sqlite_db,
        name="兄弟单位日报",
        kind="partner",
        url=httpserver.url_for("/daily.jsonl"),
        config={"preset": "generic"},
    )
    report = poll(sqlite_db, source_id, fetcher)
    assert (report.summary.stored, report.summary.quarantined) == (1, 1)
    with sqlite_db.reading() as session:
        entry = session.scalars(select(QuarantineEntry)).one()
        assert entry.origin == httpserver.url_for("/daily.jsonl")


def test_file_source_reads_a_changed_file_only(
    sqlite_db: Database, tmp_path: Path, fetcher: Fetcher
) -> None:
    export = tmp_path / "weibo.jsonl"
    export.write_text(
        json.dumps(
            {"微博id": "1", "微博正文": "排队两小时", "发布时间": "2026-11-16 10:00"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    source_id = add_source(
        sqlite_db, name="微博导出", kind="file", config={"path": str(export), "preset": "weibo"}
    )
    assert poll(sqlite_db, source_id, fetcher).summary.stored == 1
    assert poll(sqlite_db, source_id, fetcher).status == "not_modified"
    with export.open("a", encoding="utf-8") as out:
        out.write(
            json.dumps(
                {"微博id": "2", "微博正文": "口罩买不到", "发布时间": "2026-11-16 11:00"},
                ensure_ascii=False,
            )
            + "\n"
        )
    report = poll(sqlite_db, source_id, fetcher)
    assert (report.summary.stored, report.summary.duplicates) == (1, 1)


def test_a_held_source_is_not_polled_twice(db: Database, fetcher: Fetcher, tmp_path: Path) -> None:
    source_id = add_source(db, name="x", kind="file", config={"path": str(tmp_path)})
    with db.transaction() as session:
        assert take_lease(session, source_id, 60)
        assert not take_lease(session, source_id, 60)
    assert poll(db, source_id, fetcher).status == "busy"


def test_failing_source_raises_one_alert_a_day(sqlite_db: Database, fetcher: Fetcher) -> None:
    source_id = add_source(
        sqlite_db, name="断线", kind="file", config={"path": "/nonexistent/x.jsonl"}
    )
    for _ in range(3):
        report = poll(sqlite_db, source_id, fetcher)
        assert report.status == "failed" and "does not exist" in (report.error or "")
    with sqlite_db.transaction() as session:
        assert [h.state for h in source_health(session)] == ["failing"]
        assert raise_health_alerts(session) == 1
        assert raise_health_alerts(session) == 0
        alert = session.scalars(select(Alert)).one()
        assert alert.kind == "source_failing" and "断线" in alert.title


def test_a_source_that_usually_brings_items_and_goes_quiet_is_silent(sqlite_db: Database) -> None:
    from datetime import timedelta

    from yuqing.collect.ingest import SourceInfo, ingest
    from yuqing.collect.records import RawItem
    from yuqing.store.types import utcnow

    source_id = add_source(sqlite_db, name="青岚论坛", kind="rss", url="https://bbs.example/rss")
    ingest(
        sqlite_db,
        SourceInfo(source_id, "rss", False, None),
        [RawItem(body=f"帖子{i}", platform_id=str(i)) for i in range(70)],
        secret=SECRET,
    )
    with sqlite_db.transaction() as session:
        # the posts were collected over the week before last night, then nothing came
        session.execute(update(Item).values(collected_at=utcnow() - timedelta(days=3)))
        source = session.get(Source, source_id)
        assert source is not None
        source.last_polled_at = source.last_success_at = utcnow()
    with sqlite_db.transaction() as session:
        (health,) = source_health(session)
        assert health.state == "silent" and health.items_per_day == 10
        assert raise_health_alerts(session) == 1
        assert session.scalars(select(Alert.kind)).one() == "source_silent"
