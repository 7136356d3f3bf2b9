"""The reports pages: drafting, linked figures, editing, sign-off by role, downloads,
versions and the records behind a figure."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Event, Item

DAY = "2026-11-17"  # the web fixture's four items fall in 11-16 09:00 .. 11-17 09:00


def draft(client: TestClient) -> int:
    response = client.post("/reports", data={"series": "daily", "day": DAY})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/reports/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_editor_drafts_a_daily_report_whose_figures_link_to_their_items(
    client: TestClient,
) -> None:
    login(client, "editor")
    report_id = draft(client)
    page = client.get(f"/reports/{report_id}")
    assert page.status_code == 200
    assert "2026年11月16日9时至11月17日9时" in page.text
    link = re.escape(f'href="/reports/{report_id}/records?key=items"')
    assert re.search(link + r' title="监测信息总量">4</a>', page.text)
    records = client.get(f"/reports/{report_id}/records", params={"key": "items"})
    assert records.status_code == 200
    assert "共 4 条" in records.text
    assert len(re.findall(r'href="/items/\d+"', records.text)) == 4


def test_sign_off_goes_step_by_step_each_by_its_role(client: TestClient, web_db: Database) -> None:
    login(client, "editor")
    report_id = draft(client)
    version = 1
    saved = client.post(
        f"/reports/{report_id}/edit",
        data={
            "version": version,
            "title": "11月17日舆情日报",
            "judgement": "总体平稳，物价需关注。",
            "suggestions": "加强物价引导。",
            "next_steps": "持续监测。",
        },
    )
    assert saved.status_code == 303
    # The editor cannot approve their own work.
    assert client.post(f"/reports/{report_id}/submit").status_code == 303
    assert f'src="/reports/{report_id}.pdf?inline=1"' in client.get(f"/reports/{report_id}").text
    assert client.post(f"/reports/{report_id}/approve").status_code == 403
    login(client, "signer")
    assert client.post(f"/reports/{report_id}/issue").status_code == 409  # not approved yet
    assert client.post(f"/reports/{report_id}/approve").status_code == 303
    # The signer sees the rendered document first, and issues the version seen.
    page = client.get(f"/reports/{report_id}")
    assert f'src="/reports/{report_id}.pdf?inline=1"' in page.text
    seen = re.search(r'name="seen" value="(\d+)"', page.text)
    assert seen is not None
    preview = client.get(f"/reports/{report_id}.pdf", params={"inline": 1})
    assert preview.headers["content-disposition"].startswith("inline;")
    assert preview.content.startswith(b"%PDF")
    stale = client.post(f"/reports/{report_id}/issue", data={"seen": int(seen.group(1)) - 1})
    assert stale.status_code == 409 and "请重新查看成稿后再签发" in stale.text
    assert (
        client.post(f"/reports/{report_id}/issue", data={"seen": seen.group(1)}).status_code == 303
    )
    page = client.get(f"/reports/{report_id}")
    assert "第1期" in page.text and "签发人：signer" in page.text
    assert "总体平稳，物价需关注。" in page.text
    # Nothing changes after issue.
    login(client, "editor")
    late = client.post(
        f"/reports/{report_id}/edit", data={"version": 5, "title": "改", "judgement": "改"}
    )
    assert late.status_code == 409
    assert client.post(f"/reports/{report_id}/refresh").status_code == 409
    with web_db.reading() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "report", AuditEntry.object_id == str(report_id))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "report_drafted",
        "report_edited",
        "report_submitted",
        "report_approved",
        "report_issued",
    ]


def test_placeholders_and_empty_sections_block_submission_with_a_clear_message(
    client: TestClient,
) -> None:
    login(client, "editor")
    report_id = draft(client)
    refused = client.post(f"/reports/{report_id}/submit")
    assert refused.status_code == 400
    assert "尚未填写“研判”、“对策建议”、“下一步工作”" in refused.text
    data = {
        "version": 1,
        "title": "日报",
        "judgement": "总体平稳。",
        "suggestions": "（待编辑填写）",
        "next_steps": "持续监测。",
    }
    assert client.post(f"/reports/{report_id}/edit", data=data).status_code == 303
    refused = client.post(f"/reports/{report_id}/submit")
    assert refused.status_code == 400
    assert "“对策建议”仍含占位文字“待编辑填写”" in refused.text
    assert "尚未填写" not in refused.text
    assert client.get(f"/reports/{report_id}").text.count("草稿") >= 1


def test_a_stale_edit_is_refused(client: TestClient) -> None:
    login(client, "editor")
    report_id = draft(client)
    first = {"version": 1, "title": "日报", "judgement": "甲"}
    assert client.post(f"/reports/{report_id}/edit", data=first).status_code == 303
    assert client.post(f"/reports/{report_id}/edit", data=first).status_code == 409


def test_downloads_in_every_format(client: TestClient) -> None:
    login(client, "analyst")
    report_id = draft(client)
    kinds = {
        "md": "text/markdown",
        "html": "text/html",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    for fmt, media in kinds.items():
        response = client.get(f"/reports/{report_id}.{fmt}")
        assert response.status_code == 200, fmt
        assert response.headers["content-type"].startswith(media)
        assert "attachment" in response.headers["content-disposition"]
    markdown = client.get(f"/reports/{report_id}.md").text
    assert "共监测到相关公开信息4条" in markdown
    assert client.get(f"/reports/{report_id}.exe").status_code == 400


def test_versions_can_be_compared(client: TestClient) -> None:
    login(client, "editor")
    report_id = draft(client)
    data = {"version": 1, "title": "日报", "judgement": "新增的研判意见"}
    client.post(f"/reports/{report_id}/edit", data=data)
    page = client.get(f"/reports/{report_id}/diff", params={"old": 1, "new": 2})
    assert page.status_code == 200
    assert re.search(r'class="diff-add">\+ 新增的研判意见', page.text)
    assert re.search(r'class="diff-del">- （待编辑填写）', page.text)


def test_a_special_report_on_an_event(client: TestClient, web_db: Database) -> None:
    with web_db.transaction() as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        event = Event(
            title="核酸检测点排队",
            first_seen=items[0].published_at,
            last_seen=items[1].published_at,
            item_count=2,
        )
        session.add(event)
        session.flush()
        for item in items[:2]:
            item.event_id = event.id
        event_id = event.id
    login(client, "editor")
    form = client.get("/reports/new", params={"event_id": event_id})
    assert form.status_code == 200 and "核酸检测点排队" in form.text
    # The event is picked from a searchable list, not typed as a number.
    found = client.get("/reports/new", params={"series": "special", "q": "检测点"})
    assert f'name="event_id" value="{event_id}"' in found.text
    assert 'type="number"' not in found.text
    missed = client.get("/reports/new", params={"series": "special", "q": "没有这个事件"})
    assert (
        f'value="{event_id}"' not in missed.text
        and "没有找到标题含“没有这个事件”的事件" in missed.text
    )
    created = client.post("/reports", data={"series": "special", "event_id": str(event_id)})
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "关于“核酸检测点排队”的舆情专报" in page.text
    assert re.search(r'title="事件信息总量">2</a>', page.text)


def test_field_roles_cannot_reach_reports(client: TestClient) -> None:
    for role in ("officer", "responder"):
        login(client, role)
        assert client.get("/reports").status_code == 403
        assert client.post("/reports", data={"series": "daily", "day": DAY}).status_code == 403
