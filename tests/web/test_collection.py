"""Collection in the web app: sources with their health, the quarantine, manual entry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from yuqing.store.db import Database
from yuqing.store.items import quarantine
from yuqing.store.models import AuditEntry, Item


def test_sources_page_shows_health(analyst: TestClient) -> None:
    page = analyst.get("/sources")
    assert page.status_code == 200
    assert "青岚日报" in page.text and "尚未采集" in page.text
    body = analyst.get("/api/sources").json()
    assert body[0]["name"] == "青岚日报" and body[0]["state"] == "new"


def test_quarantine_page_lists_refusals(analyst: TestClient, web_db: Database) -> None:
    with web_db.transaction() as session:
        quarantine(
            session,
            origin="export.jsonl",
            position="line 17",
            reason="发布时间 '2026-13-45' is not a date",
            raw='{"正文": "…"}',
        )
    page = analyst.get("/quarantine")
    assert "line 17" in page.text and "2026-13-45" in page.text
    entries = analyst.get("/api/quarantine").json()
    assert entries[0]["position"] == "line 17"


def test_manual_entry_through_the_form(analyst: TestClient, web_db: Database) -> None:
    assert analyst.get("/items/new").status_code == 200
    response = analyst.post(
        "/items/new",
        data={
            "url": "https://bbs.example/t/1",
            "title": "求助",
            "text": "老人买不到退烧药，電話13800138000",
        },
    )
    assert response.status_code == 303
    item_id = int(re.findall(r"/items/(\d+)", response.headers["location"])[0])
    with web_db.reading() as session:
        item = session.get(Item, item_id)
        assert item is not None and item.source is not None and item.source.name == "人工录入"
        assert "13800138000" not in item.text_original and "[手机号已隐去]" in item.text_original
        assert item.pii == {"mobile": 1}
        assert (
            session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == str(item_id)))
            == "item_entered"
        )


def test_manual_entry_api_is_idempotent(analyst: TestClient) -> None:
    body = {"text": "社区团购菜价上涨", "url": "https://bbs.example/t/2"}
    first = analyst.post("/api/items", json=body)
    second = analyst.post("/api/items", json=body)
    assert first.status_code == 201
    assert first.json()["created"] and not second.json()["created"]
    assert first.json()["id"] == second.json()["id"]
    assert analyst.post("/api/items", json={"text": ""}).status_code == 422


def test_admins_add_sources_analysts_cannot(client: TestClient, web_db: Database) -> None:
    from tests.web.conftest import login
    from yuqing.store.models import Source

    form = {
        "name": "青岚论坛",
        "kind": "rss",
        "url": "https://bbs.example/rss",
        "interval_minutes": "30",
    }
    login(client, "analyst")
    assert client.post("/sources", data=form).status_code == 403
    client.post("/logout")
    login(client, "admin")
    assert client.post("/sources", data=form).status_code == 303
    bad = client.post("/sources", data={**form, "kind": "web"})
    # The form comes back as typed, with the reason, rather than an error page.
    assert bad.status_code == 422 and "link_selector" in bad.text
    assert 'value="青岚论坛"' in bad.text and 'id="source-error"' in bad.text
    typo = client.post("/sources", data={**form, "config": '{"a": 1,}'})
    assert typo.status_code == 422 and "第 1 行第 9 个字符附近有误" in typo.text
    assert "Expecting" not in typo.text
    with web_db.reading() as session:
        source = session.scalar(select(Source).where(Source.name == "青岚论坛"))
        assert source is not None and source.interval_seconds == 1800 and not source.allow_private


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>青岚论坛</title>
<item><title>昆都仑区新增核酸检测点</title><link>/t/1</link>
<description>记者获悉，昆都仑区新增三个核酸检测点。</description></item>
<item><title>口罩供应充足</title><link>/t/2</link><description>口罩供应充足。</description></item>
</channel></rss>"""


def test_a_test_fetch_shows_the_first_records_and_saves_nothing(
    client: TestClient, web_db: Database, httpserver: HTTPServer
) -> None:
    from tests.web.conftest import login
    from yuqing.store.models import Source

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/rss").respond_with_data(FEED, content_type="application/rss+xml")
    form = {
        "name": "青岚论坛",
        "kind": "rss",
        "url": httpserver.url_for("/rss"),
        "allow_private": "true",  # the test server is on 127.0.0.1
    }
    login(client, "admin")
    with web_db.reading() as session:
        items_before = session.scalar(select(func.count()).select_from(Item))
    tried = client.post("/sources/preview", data=form)
    assert tried.status_code == 200 and 'id="source-preview"' in tried.text
    assert "昆都仑区新增核酸检测点" in tried.text and "口罩供应充足" in tried.text
    assert (
        'value="青岚论坛"' in tried.text
        and 'name="allow_private" value="true" checked' in tried.text
    )
    with web_db.reading() as session:
        assert session.scalar(select(Source.id).where(Source.name == "青岚论坛")) is None
        assert session.scalar(select(func.count()).select_from(Item)) == items_before
    broken = client.post("/sources/preview", data={**form, "url": httpserver.url_for("/none")})
    assert broken.status_code == 200 and "无法读取这个信息源" in broken.text
    assert "昆都仑区新增核酸检测点" not in broken.text
    wrong = client.post("/sources/preview", data={**form, "kind": "web", "url": "ftp://x"})
    assert wrong.status_code == 422 and "网址须以 http:// 或 https:// 开头" in wrong.text
    assert "无法试抓取" in wrong.text and "没有保存" not in wrong.text
    # The list selector has a field of its own: no JSON needed for a news site.
    site = {**form, "kind": "web", "link_selector": "ul.news a"}
    assert client.post("/sources", data=site).status_code == 303
    with web_db.reading() as session:
        saved = session.scalar(select(Source).where(Source.name == "青岚论坛"))
        assert saved is not None and saved.config == {"link_selector": "ul.news a"}
