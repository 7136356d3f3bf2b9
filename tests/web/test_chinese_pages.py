"""The UI speaks Chinese (issue 14): every page, as each role sees it, is walked and
any ASCII word outside a short allow-list of abbreviations is reported; the API's
description is grouped and summarised in Chinese."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import select, update

from tests.web.conftest import login
from yuqing.config import Settings
from yuqing.desk import cases
from yuqing.reports import workflow as wf
from yuqing.reports.actions import draft_report
from yuqing.store.db import Database
from yuqing.store.models import Alert, Claim, Event, Item, Role, Unit, User, WatchRule
from yuqing.store.types import utcnow
from yuqing.web.app import api_routes

# Abbreviations and names a Chinese desk writes in Latin letters, and the rule language.
ALLOWED = {
    "API", "CSV", "XLSX", "JSON", "JSONL", "ID", "RSS", "Atom", "Webhook", "PDF", "DOCX",
    "URL", "HTTP", "HTTPS", "SMTP", "KB", "MB", "IP", "yuqing", "YYYY", "MM", "DD", "HH",
    "HTML", "CSS", "Markdown", "Word",
    "AND", "OR", "NOT", "NEAR", "place", "topic", "source", "title", "lang", "outlet",
}  # fmt: skip
# What is not a page to read: files, feeds, fragments, redirects.
SKIPPED = re.compile(
    r"\.\{fmt\}|\.csv$|\.json$|\.xml$|/attachments/|^/triage/next$|^/rules/preview$|^/$"
)
HIDDEN_TAGS = ("script", "style", "code", "pre", "kbd", "samp")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
URLS = re.compile(r"https?://\S*|/[\w./?=&%-]+")
WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def stocked(web_db: Database, settings: Settings) -> dict[str, int]:
    """Chinese names for the people, and one of each record the pages show."""
    with web_db.transaction() as session:
        for user in session.scalars(select(User)):
            user.display_name = f"测试{user.id}号"
        item = session.scalar(select(Item).order_by(Item.id))
        health = session.scalar(select(Unit).where(Unit.name == "市卫生健康委员会"))
        analyst = session.scalar(select(User).where(User.username == "analyst"))
        assert item and health and analyst
        now = utcnow()
        event = Event(title="核酸检测点排队", first_seen=now, last_seen=now, item_count=1)
        session.add(event)
        session.flush()
        session.execute(update(Item).where(Item.id == item.id).values(event_id=event.id))
        claim = Claim(
            text="喝白酒防病毒",
            text_norm="喝白酒防病毒",
            verdict="false",
            clarification="饮酒不能预防感染。",
            authority="测试市卫生健康委员会",
            published=True,
            published_at=now,
        )
        rule = WatchRule(name="口罩涨价", query="口罩 AND 涨价")
        session.add_all([claim, rule])
        session.add(Alert(kind="spike", title="话题“物价”突增", dedupe_key="k", severity="major"))
        case = cases.open_case(
            session,
            analyst.id,
            title="请核实排队情况",
            department_id=health.id,
            deadline=now + timedelta(days=1),
            item_id=item.id,
        )
        session.flush()
        author = wf.Actor(analyst.id, "测试", frozenset({Role.ANALYST.value}))
        report = draft_report(session, settings, "daily", author, now, day=now.date())
        return {
            "report_id": report.id,
            "item_id": item.id,
            "event_id": event.id,
            "claim_id": claim.id,
            "rule_id": rule.id,
            "case_id": case.id,
        }


# Pages that need a query to be asked for at all (a report's diff, a figure's records).
QUERIES = {
    "/reports/{report_id}/diff": "?old=1&new=1",
    "/reports/{report_id}/records": "?key=items",
}


def _pages(ids: dict[str, int]) -> list[str]:
    paths = []
    for route in api_routes():
        if "GET" not in (route.methods or set()) or route.path.startswith("/api"):
            continue
        if SKIPPED.search(route.path):
            continue
        path = route.path + QUERIES.get(route.path, "")
        for name, value in ids.items():
            path = path.replace("{" + name + "}", str(value))
        if "{" not in path:  # a record kind no fixture makes: not walked here
            paths.append(path)
    return sorted(set(paths))


def foreign_words(page: str) -> set[str]:
    """ASCII words a reader sees on the page (text and the attributes read aloud)."""
    tree = html.fromstring(page)
    for hidden in tree.iter(*HIDDEN_TAGS):
        hidden.drop_tree()
    seen = [tree.text_content()]
    for attribute in READ_ATTRIBUTES:
        seen += [str(v) for v in tree.xpath(f"//@{attribute}")]
    text = URLS.sub(" ", " ".join(seen))
    # Account names are the desk's data, not words of the interface.
    usernames = {role.value for role in Role}
    return {w for w in WORD.findall(text) if w not in ALLOWED and w not in usernames}


def test_the_check_finds_english(stocked: dict[str, int]) -> None:
    page = (
        "<p>共 3 条 pending <code>major</code> <a title='Download'>CSV</a> http://x.example/a</p>"
    )
    assert foreign_words(page) == {"pending", "Download"}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_page_speaks_chinese(client: TestClient, stocked: dict[str, int], role: str) -> None:
    login(client, role)
    found: dict[str, set[str]] = {}
    walked = 0
    for path in _pages(stocked):
        answer = client.get(path)
        if answer.status_code in (301, 302, 303, 307) or "text/html" not in answer.headers.get(
            "content-type", ""
        ):
            continue
        walked += 1
        if words := foreign_words(answer.text):
            found[f"{path} ({answer.status_code})"] = words
    assert walked >= 30
    assert found == {}
    client.post("/logout")
    assert foreign_words(client.get("/login").text) == set()


def test_the_api_description_is_grouped_and_in_chinese(client: TestClient) -> None:
    login(client, "analyst")
    schema = client.get("/api/openapi.json").json()
    assert all(path.startswith("/api/") for path in schema["paths"])
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations and all(op["tags"] != ["default"] for op in operations)
    english = [op["operationId"] for op in operations if not re.search("[一-鿿]", op["summary"])]
    assert english == []
    assert "[/](/)" in schema["info"]["description"]  # the way back to the app
