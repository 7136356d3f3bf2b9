"""The spread, map and key-term views drawn in a real browser on the event page, their
figures checked against the records behind them; screenshots kept for a person to see."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import func, select

from tests.browser.test_desk_loop import log_in
from tests.web.test_views import rumour_event
from yuqing.store.db import Database
from yuqing.store.models import Item, ItemPlace

__all__ = ["rumour_event"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def test_the_event_page_draws_spread_map_and_words(
    browser: Browser, live_server: str, web_db: Database, rumour_event: int
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    log_in(page, live_server, "analyst", f"/events/{rumour_event}")

    views = page.locator("#event-views-body")
    expect(views).to_be_visible()  # loaded into the page by HTMX
    with web_db.reading() as session:
        posts = session.scalar(select(func.count()).where(Item.event_id == rumour_event))
        mentions = session.scalar(
            select(func.count())
            .select_from(ItemPlace)
            .join(Item, Item.id == ItemPlace.item_id)
            .where(Item.event_id == rumour_event, ItemPlace.code == "150203")
        )
    expect(page.locator("#spread-facts")).to_contain_text(f"{posts} 条")
    expect(page.locator("#places-table")).to_contain_text("昆都仑区")
    expect(page.locator("#places-table tr", has_text="150203")).to_contain_text(str(mentions))
    for chart in ("#view-curve", "#view-map", "#view-cloud"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)  # drawn, not left hidden
        box = page.locator(chart).bounding_box()
        assert box is not None and box["height"] > 150 and box["width"] > 300, chart
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "event-views.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "event-views-390.png"), full_page=True)
    assert errors == []
