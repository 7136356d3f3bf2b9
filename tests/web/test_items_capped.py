"""The item list counts its matches only up to a cap and says so, and pages by
position rather than by OFFSET."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from yuqing.web import item_search


def test_a_capped_count_says_there_are_more(
    analyst: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_search, "COUNT_CAP", 2)  # the four seeded items exceed it
    page = analyst.get("/items").text
    assert 'id="count-capped"' in page and "超过 2 条" in page
    api = analyst.get("/api/items", params={"limit": 1}).json()
    assert api["total"] == 2 and api["total_capped"] is True


def test_an_uncapped_count_is_exact(analyst: TestClient) -> None:
    page = analyst.get("/items").text
    assert 'id="count-capped"' not in page
    assert analyst.get("/api/items").json()["total"] == 4


def test_the_pager_goes_by_position_and_back(
    analyst: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """下一页/上一页 are plain links (no script needed) after/before an item; they list
    what the numbered pages list."""
    monkeypatch.setattr(item_search, "PER_PAGE", 1)  # the four seeded items: four pages

    def ids(page: str) -> list[str]:
        return re.findall(r'href="/items/(\d+)"', page)

    def link(page: str, label: str) -> str:
        found = re.search(rf'<a href="([^"]+)"[^>]*>{label}</a>', page)
        assert found is not None, label
        return html.unescape(found.group(1))

    walked, page = [], analyst.get("/items").text
    for _ in range(4):
        walked.append(ids(page))
        if "下一页" not in page:
            break
        assert "after_id=" in link(page, "下一页")
        page = analyst.get(link(page, "下一页")).text
    numbered = [ids(analyst.get("/items", params={"page": n}).text) for n in (1, 2, 3, 4)]
    assert walked == numbered and len({i for p in walked for i in p}) == 4
    back = link(page, "上一页")  # from page 4: page 3, before page 4's item
    assert "before_id=" in back and ids(analyst.get(back).text) == numbered[2]
