"""Only http(s) links are links (issue 15, finding 5): manual entry refuses
``javascript:`` and ``data:``, and a link stored by older code is shown as text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from yuqing.store.db import Database
from yuqing.store.models import Item


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>"])
def test_manual_entry_refuses_script_links(analyst: TestClient, web_db: Database, url: str) -> None:
    with web_db.reading() as session:
        before = session.scalar(select(func.count()).select_from(Item))
    form = analyst.post("/items/new", data={"url": url, "text": "看到的帖子"})
    api = analyst.post("/api/items", json={"url": url, "text": "看到的帖子"})
    assert form.status_code in (400, 422) and api.status_code in (400, 422)
    assert "http" in form.text and 'href="javascript' not in form.text
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == before


def test_a_stored_script_link_is_not_rendered_as_a_link(
    analyst: TestClient, web_db: Database
) -> None:
    now = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    with web_db.transaction() as session:
        item = Item(
            ingest_key="legacy-js",
            content_hash="h-js",
            url="javascript:alert(1)",
            text_original="旧数据",
            text_norm="旧数据",
            published_at=now,
            collected_at=now,
        )
        session.add(item)
        session.flush()
        item_id = item.id
    page = analyst.get(f"/items/{item_id}")
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text and "javascript:alert(1)" in page.text
