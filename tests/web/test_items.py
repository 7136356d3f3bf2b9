"""The item list page and the items API: search, filters, paging, detail."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def listed_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-item-id="(\d+)"', html)]


def test_item_page_lists_newest_first(analyst: TestClient) -> None:
    response = analyst.get("/items")
    assert response.status_code == 200
    assert "信息检索" in response.text
    ids = listed_ids(response.text)
    assert len(ids) == 4 and ids == sorted(ids, reverse=True)


def test_search_across_scripts(analyst: TestClient) -> None:
    for query in ("昆都侖", "昆都仑"):
        assert len(listed_ids(analyst.get("/items", params={"q": query}).text)) == 2
    assert len(listed_ids(analyst.get("/items", params={"q": "疫"}).text)) == 1
    assert len(listed_ids(analyst.get("/items", params={"q": "口罩"}).text)) == 1


def test_htmx_gets_only_the_results(analyst: TestClient) -> None:
    response = analyst.get("/items", params={"q": "口罩"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert len(listed_ids(response.text)) == 1


def test_date_filters_are_local_days(analyst: TestClient) -> None:
    # items are at 09:00–12:00 Beijing time on 2026-11-16
    assert (
        len(
            listed_ids(
                analyst.get("/items", params={"since": "2026-11-16", "until": "2026-11-16"}).text
            )
        )
        == 4
    )
    assert listed_ids(analyst.get("/items", params={"since": "2026-11-17"}).text) == []


def test_bad_date_is_a_clear_error(analyst: TestClient) -> None:
    response = analyst.get("/items", params={"since": "16/11/2026"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.text


def test_item_detail(analyst: TestClient) -> None:
    item_id = listed_ids(analyst.get("/items", params={"q": "口罩"}).text)[0]
    response = analyst.get(f"/items/{item_id}")
    assert "昆都侖區口罩價格上漲" in response.text
    assert analyst.get("/items/999999").status_code == 404


def test_api_items(analyst: TestClient) -> None:
    body = analyst.get("/api/items", params={"q": "昆都侖", "limit": 1}).json()
    assert body["total"] == 2 and len(body["items"]) == 1
    first = body["items"][0]
    assert first["source"] == "青岚日报" and first["script"] == "hant"
    assert analyst.get(f"/api/items/{first['id']}").json()["text"] == "昆都侖區口罩價格上漲"
    assert analyst.get("/api/items", params={"since": "2026-11-16T00:00:00"}).status_code == 400


def test_api_docs_are_served_locally(analyst: TestClient) -> None:
    spec = analyst.get("/api/openapi.json").json()
    assert "/api/items" in spec["paths"]
    page = analyst.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_front_end_libraries_are_served_from_the_app(client: TestClient) -> None:
    """scripts/setup copies them from npm; a page never reaches for a CDN."""
    for asset in ("htmx.min.js", "echarts.min.js", "swagger-ui-bundle.js"):
        response = client.get(f"/static/vendor/{asset}")
        assert response.status_code == 200, f"{asset}: run scripts/setup"
        assert "javascript" in response.headers["content-type"]
    page = client.get("/login").text
    assert '<script src="/static/vendor/htmx.min.js"' in page
    assert "http" not in page.split("<body>")[0].replace("http-equiv", "")
