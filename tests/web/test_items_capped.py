"""The item list counts its matches only up to a cap and says so."""

from __future__ import annotations

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
