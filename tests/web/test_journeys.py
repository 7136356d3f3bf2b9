"""Each role's first screens and the defects a desk met on day one (issue 14): role
homes, saved notices, the officer's double submit and mistyped tallies, the triage
queue's status filter and row reasons, an item opened takes its lock, the item page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import login
from yuqing.network.tallies import add_metric
from yuqing.store.db import Database
from yuqing.store.models import FieldReport, Item, TallyEntry

HOMES = {
    "admin": "/admin",
    "analyst": "/triage",
    "editor": "/triage",
    "signer": "/reports?status=awaiting",
    "officer": "/my/unit",
    "responder": "/my/cases",
}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_own_home_and_it_opens(client: TestClient, role: str) -> None:
    login(client, role)
    home = client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


def test_a_forbidden_page_leads_back_to_the_users_own_home(client: TestClient) -> None:
    login(client, "officer")
    refused = client.get("/items")
    assert refused.status_code == 403
    assert 'href="/"' in refused.text
    assert client.get("/").headers["location"] == "/my/unit"


def test_an_officer_is_told_a_report_was_saved_and_a_second_press_files_nothing(
    client: TestClient, web_db: Database
) -> None:
    login(client, "officer")
    form = {"title": "菜价上涨议论", "body": "居民反映本周蔬菜价格上涨。", "urgency": "一般"}
    first = client.post("/my/unit/reports", data=form)
    assert first.headers["location"] == "/my/unit?saved=report"
    assert "已报送" in client.get(first.headers["location"]).text
    again = client.post("/my/unit/reports", data=form)
    assert again.headers["location"] == "/my/unit?saved=duplicate"
    assert "没有重复报送" in client.get(again.headers["location"]).text
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(FieldReport)) == 1


def test_a_mistyped_tally_keeps_what_was_typed_and_saves_nothing(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        leaflets = add_metric(session, "leaflets", "宣传单", "份").id
        posters = add_metric(session, "posters", "海报", "张").id
    login(client, "officer")
    typed = {f"m{leaflets}": "12", f"m{posters}": "十几张", "note": "周一补报"}
    refused = client.post("/my/unit/tallies", data=typed)
    assert refused.status_code == 422
    assert "没有保存" in refused.text and "海报" in refused.text
    assert 'value="十几张"' in refused.text and 'value="12"' in refused.text
    assert 'value="周一补报"' in refused.text
    assert "<h1>422</h1>" not in refused.text  # the officer's page, not an error page
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(TallyEntry)) == 0
    saved = client.post("/my/unit/tallies", data={f"m{leaflets}": "12", f"m{posters}": "3"})
    assert "saved=tally" in saved.headers["location"]
    assert "统计已保存" in client.get(saved.headers["location"]).text


def _statuses_checked(html: str) -> list[str]:
    return re.findall(r'name="status" value="(\w+)" checked', html)


def test_the_queue_status_filter_shows_what_it_lists_and_takes_several(
    analyst: TestClient,
) -> None:
    assert _statuses_checked(analyst.get("/triage").text) == ["new", "in_review"]
    only_new = analyst.get("/triage?status=new").text
    assert _statuses_checked(only_new) == ["new"]
    both = analyst.get("/triage?status=new&status=verified").text
    assert _statuses_checked(both) == ["new", "verified"]


def test_queue_rows_say_why_they_are_there(analyst: TestClient) -> None:
    page = analyst.get("/triage").text
    assert page.count('class="heat"') == 4
    assert page.count("青岚日报") >= 4  # each row names its source
    assert "<th>依据</th>" in page


def _first_item(db: Database) -> Item:
    with db.reading() as session:
        item = session.scalar(select(Item).order_by(Item.id))
        assert item is not None
        return item


def test_opening_an_item_takes_its_lock_and_a_second_user_only_reads(
    client: TestClient, web_db: Database
) -> None:
    item = _first_item(web_db)
    login(client, "analyst")
    page = client.get(f"/items/{item.id}?queue=")
    assert "释放锁定" in page.text and "← 返回研判队列" in page.text
    with web_db.reading() as session:
        locked = session.get(Item, item.id)
        assert locked is not None and locked.locked_by_id is not None
    client.post("/logout")
    login(client, "editor")
    seen = client.get(f"/items/{item.id}").text
    assert "您可以查看，暂不能修改" in seen
    assert re.search(r'<fieldset class="desk-fields"\s+disabled>', seen)
    refused = client.post(f"/items/{item.id}/triage", data={"status": "verified"})
    assert refused.status_code == 409
    assert 'href="/items/' in refused.text  # a way back, not a dead end


def test_the_item_page_heads_untitled_posts_with_their_text_and_has_a_next(
    client: TestClient, web_db: Database
) -> None:
    with web_db.transaction() as session:
        first = session.scalar(select(Item).order_by(Item.id))
        assert first is not None
        first.title = None
        first_id = first.id
    login(client, "analyst")
    page = client.get(f"/items/{first_id}").text
    assert "（无标题）" not in page
    assert "<h1>昆都仑区核酸检测点排队很长</h1>" in page
    assert page.index('class="body"') < page.index('id="triage"')
    assert "← 返回检索" in page  # opened from search, not from the queue
    following = client.get(f"/triage/next?after={first_id}")
    assert re.fullmatch(r"/items/\d+\?queue=.*", following.headers["location"])
    assert f"/items/{first_id}?" not in following.headers["location"]
