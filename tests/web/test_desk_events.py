"""Events on the pages: the triage panel on an event, the event queue, a case from an event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.web.conftest import T0, login
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Case, Event, Item, Unit
from yuqing.store.types import utcnow


@pytest.fixture
def event(web_db: Database) -> int:
    """An event holding the first two items."""
    with web_db.transaction() as session:
        made = Event(title="核酸检测排长队", first_seen=T0, last_seen=T0, item_count=2, heat=5)
        session.add(made)
        session.flush()
        first_two = select(Item.id).order_by(Item.id).limit(2).scalar_subquery()
        session.execute(update(Item).where(Item.id.in_(first_two)).values(event_id=made.id))
        return made.id


def test_an_event_is_locked_judged_and_noted_on_its_page(
    client: TestClient, web_db: Database, event: int
) -> None:
    login(client, "analyst")
    page = client.get(f"/events/{event}").text
    assert f'action="/events/{event}/lock"' in page
    assert f'href="/reports/new?event_id={event}"' in page and "生成专报" in page
    assert f'href="/cases/new?event_id={event}"' in page
    assert f'href="/items?event={event}"' in page
    assert client.post(f"/events/{event}/lock").status_code == 303
    page = client.get(f"/events/{event}").text
    assert "释放锁定" in page and "开始研判" not in page
    done = client.post(
        f"/events/{event}/triage",
        data={"status": "in_review", "severity": "serious", "note": "请卫健委核实排队情况"},
    )
    assert done.status_code == 303
    page = client.get(f"/events/{event}").text
    assert "请卫健委核实排队情况" in page and 'value="serious" selected' in page
    client.post("/logout")

    login(client, "editor")
    held = client.post(f"/events/{event}/triage", data={"status": "closed"})
    assert held.status_code == 409
    assert "开始研判" in client.get(f"/events/{event}").text  # offered, though it will be refused
    assert client.post(f"/events/{event}/lock").status_code == 409
    client.post("/logout")

    with web_db.reading() as session:
        stored = session.get(Event, event)
        assert stored is not None and (stored.status, stored.severity) == ("in_review", "serious")
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "event")
        ).all()
    assert {"event.lock", "event.status", "event.severity", "event.note"} <= set(actions)


def test_the_triage_queue_has_an_event_tab_with_bulk_status(
    client: TestClient, web_db: Database, event: int
) -> None:
    login(client, "analyst")
    page = client.get("/triage?kind=event").text
    assert f'href="/events/{event}"' in page and "核酸检测排长队" in page
    assert 'value="assign"' not in page  # events are not assigned or tagged
    assert f'href="/events/{event}"' not in client.get("/triage").text
    bulk = client.post(
        "/triage/bulk",
        data={"action": "status", "value": "verified", "ids": [event], "kind": "event"},
    )
    assert bulk.status_code == 303
    refused = client.post(
        "/triage/bulk", data={"action": "tag", "value": "x", "ids": [event], "kind": "event"}
    )
    assert refused.status_code == 400
    with web_db.reading() as session:
        stored = session.get(Event, event)
        assert stored is not None and stored.status == "verified"
    assert "核酸检测排长队" not in client.get("/triage?kind=event").text  # no longer open
    assert "核酸检测排长队" in client.get("/triage?kind=event&status=verified").text


def test_a_case_opened_from_an_event_is_listed_on_the_event(
    client: TestClient, web_db: Database, event: int
) -> None:
    with web_db.reading() as session:
        health = session.scalar(select(Unit.id).where(Unit.name == "市卫生健康委员会"))
    login(client, "analyst")
    form = client.get(f"/cases/new?event_id={event}").text
    assert f'name="event_id" value="{event}"' in form and "核酸检测排长队" in form
    made = client.post(
        "/cases",
        data={
            "title": "核酸检测排长队",
            "department_id": str(health),
            "deadline": (utcnow() + timedelta(days=2)).date().isoformat(),
            "event_id": str(event),
        },
    )
    assert made.status_code == 303
    with web_db.reading() as session:
        case = session.scalars(select(Case)).one()
        assert case.event_id == event
    page = client.get(f"/events/{event}").text
    assert f'href="/cases/{case.id}"' in page and f"督办#{case.id}" in page


def test_events_list_shows_each_events_triage_status(client: TestClient, event: int) -> None:
    login(client, "analyst")
    page = client.get(f"/events?since={T0.date()}&until={T0.date()}").text
    assert "核酸检测排长队" in page and 'class="status status-new"' in page
    assert 'href="/triage?kind=event"' in page


def test_an_event_page_links_its_posts_best_fact_check_and_shows_its_first_post(
    analyst: TestClient, web_db: Database, event: int
) -> None:
    """Issue 14: the 熏白醋 event links to its 辟谣 entry; a post's weak second and
    third candidates do not tie the event to unrelated entries."""
    from yuqing.store.models import Claim, ClaimMatch

    with web_db.transaction() as session:
        items = session.scalars(select(Item.id).where(Item.event_id == event)).all()
        vinegar = Claim(text="熏白醋防感染", text_norm="熏白醋防感染", verdict="false")
        lockdown = Claim(text="今晚全市封城", text_norm="今晚全市封城", verdict="false")
        session.add_all([vinegar, lockdown])
        session.flush()
        for item_id in items:
            session.add(ClaimMatch(item_id=item_id, claim_id=vinegar.id, score=0.4, rank=1))
            session.add(ClaimMatch(item_id=item_id, claim_id=lockdown.id, score=0.01, rank=2))
        ids = vinegar.id, lockdown.id
    page = analyst.get(f"/events/{event}").text
    assert f'href="/factchecks/{ids[0]}">熏白醋防感染' in page and "2 条信息匹配" in page
    assert f'href="/factchecks/{ids[1]}"' not in page
    assert 'id="timeline"' in page and "首发" in page
    with web_db.transaction() as session:  # an analyst's confirmation counts at any rank
        match = session.get(ClaimMatch, (items[0], ids[1]))
        assert match is not None
        match.status = "confirmed"
    assert f'href="/factchecks/{ids[1]}"' in analyst.get(f"/events/{event}").text
