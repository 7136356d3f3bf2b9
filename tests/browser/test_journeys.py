"""Each role's journey on a fresh desk, in Debian's chromium (issue 14): every role
lands on its own home, does its day's work, and meets none of the defects the desk
met on day one. Screenshots (desktop and 390 px) go to test-artefacts/journeys/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, FilePayload, expect
from sqlalchemy import func, select

from tests.browser.journey import DESKTOP, PHONE, Journey
from yuqing.config import Settings
from yuqing.demo.daily_report import EDITOR_TEXT
from yuqing.desk import cases
from yuqing.network.tallies import add_metric
from yuqing.reports import workflow as wf
from yuqing.reports.actions import draft_report, take_step
from yuqing.store.db import Database
from yuqing.store.models import FieldReport, Item, Role, TallyEntry, Unit, User
from yuqing.store.types import utcnow

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def desk(web_db: Database, settings: Settings) -> dict[str, int]:
    """What a first week leaves: names, a case for the health commission, tally
    metrics, a report waiting for the signer."""
    with web_db.transaction() as session:
        for user in session.scalars(select(User)):
            user.display_name = {"analyst": "研判员 李敏", "editor": "编辑 王芳"}.get(
                user.username, f"{user.username}用户"
            )
        item = session.scalar(select(Item).order_by(Item.id))
        health = session.scalar(select(Unit).where(Unit.name == "市卫生健康委员会"))
        analyst = session.scalar(select(User).where(User.username == "analyst"))
        assert item and health and analyst
        case = cases.open_case(
            session,
            analyst.id,
            title="请核实核酸检测点排队情况",
            department_id=health.id,
            deadline=utcnow() + timedelta(days=1),
            item_id=item.id,
        )
        add_metric(session, "leaflets", "宣传单", "份")
        editor = wf.Actor(analyst.id, "研判员 李敏", frozenset({Role.ANALYST.value}))
        now = utcnow()
        report = draft_report(session, settings, "daily", editor, now, day=now.date())
        wf.edit_sections(session, report.id, editor, EDITOR_TEXT)  # a report needs them to go on
        take_step(session, report.id, "submit", editor, settings, now)
        return {"case": case.id, "item": item.id, "report": report.id}


def _done(journey: Journey, refused_forms: int = 0) -> None:
    journey.finish()  # actions, pages and slow pages go to test-artefacts/journeys/<name>.json
    # A form given back with its reason answers 422, which the console notes; nothing else.
    refused = [e for e in journey.errors if "status of 422" in e]
    assert len(refused) == refused_forms
    assert [e for e in journey.errors if e not in refused] == []  # no script or CSP error


def test_the_analyst_triages_with_the_keyboard_and_searches_with_a_rule(
    browser: Browser, live_server: str, desk: dict[str, int]
) -> None:
    j = Journey.start(browser, "analyst", live_server)
    j.log_in("analyst")
    assert j.page.url.endswith("/triage")
    checked = j.page.locator("fieldset.status-choices input:checked")
    expect(checked).to_have_count(2)  # 待研判 and 研判中, as listed
    expect(j.page.locator("th", has_text="依据")).to_be_visible()
    j.shot("queue")
    j.press("j")
    j.press("j")
    second = j.page.locator("tr.triage-row.current")
    second_id = second.get_attribute("data-item-id")
    j.press("/")
    j.press("Escape")
    assert j.page.evaluate("document.activeElement.tagName") == "TR"  # not the search box
    j.press("j")
    third = j.page.locator("tr.triage-row.current").get_attribute("data-item-id")
    assert third != second_id and third is not None  # j carries on, it does not restart
    j.press("o")
    j.page.wait_for_url(re.compile(rf".*/items/{third}\?queue="))
    expect(j.page.locator(".desk-lock")).to_contain_text("研判员 李敏")  # opening took the lock
    expect(j.page.locator("text=← 返回研判队列")).to_be_visible()
    assert "（无标题）" not in j.page.content()
    j.shot("item")
    j.press("v")
    expect(j.page.locator("#item-status")).to_have_text("已核实")
    j.click("a.next-item")
    j.page.wait_for_url(re.compile(r".*/items/\d+\?queue="))
    assert f"/items/{third}?" not in j.page.url
    j.page.goto(f"{live_server}/items")
    j.fill("input[name=q]", "(核酸 OR 口罩) -感谢")
    j.press("Enter")
    expect(j.page.locator("#rule-mode")).to_be_visible()
    expect(j.page.locator("#results mark").first).to_be_visible()
    j.shot("rule-search")
    assert j.fits_a_phone() <= 390
    _done(j)


def test_the_editor_writes_a_watch_rule_with_a_live_preview(
    browser: Browser, live_server: str, desk: dict[str, int]
) -> None:
    j = Journey.start(browser, "editor", live_server)
    j.log_in("editor")
    assert j.page.url.endswith("/triage")
    j.click("nav.mainnav a[href='/rules']")
    j.fill("input[name=name]", "口罩与核酸")
    j.fill("#rule-query", "口罩 OR (核酸 NEAR/5 排队")
    expect(j.page.locator("#rule-error")).to_contain_text("规则有误")
    j.fill("#rule-query", "口罩 OR (核酸 NEAR/5 排队)")
    expect(j.page.locator("#rule-hits")).to_have_text("2")
    expect(j.page.locator(".rule-samples mark").first).to_be_visible()
    j.shot("rule-preview")
    j.click("form[action='/rules'] button[type=submit]")
    expect(j.page.locator(".notice")).to_contain_text("监测规则已保存")
    expect(j.page.locator("table.rules")).to_contain_text("口罩与核酸")
    j.click("table.rules a[href^='/items?rule=']")
    expect(j.page.locator("#total")).to_have_text("2")
    assert j.fits_a_phone() <= 390
    _done(j)


def test_the_signer_lands_on_reports_awaiting_signature(
    browser: Browser, live_server: str, desk: dict[str, int]
) -> None:
    j = Journey.start(browser, "signer", live_server)
    j.log_in("signer")
    assert j.page.url.endswith("/reports?status=awaiting")
    expect(j.page.locator(".report-tabs a[aria-current]")).to_have_text("待签发")
    j.shot("awaiting")
    j.click(f"a[href='/reports/{desk['report']}']")
    j.page.wait_for_url(f"**/reports/{desk['report']}")
    j.shot("report")
    assert j.fits_a_phone() <= 390
    _done(j)


def test_the_officer_files_once_and_a_mistyped_tally_keeps_the_form(
    browser: Browser, live_server: str, desk: dict[str, int], web_db: Database
) -> None:
    j = Journey.start(browser, "officer", live_server)
    j.log_in("officer")
    assert j.page.url.endswith("/my/unit")  # not a 403
    j.fill("input[name=title]", "菜价上涨议论")
    j.fill("textarea[name=body]", "居民反映本周蔬菜价格上涨。")
    j.actions += 1
    j.page.dblclick("form[action='/my/unit/reports'] button[type=submit]")
    expect(j.page.locator(".notice")).to_contain_text("已报送")
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(FieldReport)) == 1
    j.shot("filed")
    j.fill("#tallies input[inputmode=decimal]", "十几份")
    j.fill("#tallies input[name=note]", "周一补报")
    j.click("form[action='/my/unit/tallies'] button[type=submit]")
    expect(j.page.locator("#tally-error")).to_contain_text("没有保存")
    expect(j.page.locator("#tallies input[inputmode=decimal]")).to_have_value("十几份")
    expect(j.page.locator("#tallies input[name=note]")).to_have_value("周一补报")
    j.fill("#tallies input[inputmode=decimal]", "12")
    j.click("form[action='/my/unit/tallies'] button[type=submit]")
    expect(j.page.locator(".notice")).to_contain_text("统计已保存")
    with web_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(TallyEntry)) == 1
    j.shot("tally")
    assert j.fits_a_phone() <= 390
    _done(j, refused_forms=1)


def test_the_responder_reads_the_original_post_and_replies_with_a_photo(
    browser: Browser, live_server: str, desk: dict[str, int], tmp_path: object
) -> None:
    j = Journey.start(browser, "responder", live_server)
    j.log_in("responder")
    assert j.page.url.endswith("/my/cases")
    j.click("text=请核实核酸检测点排队情况")
    expect(j.page.locator("#original")).to_contain_text("昆都仑区核酸检测点排队很长")
    j.fill("#reply-body", "已到现场核实，增派了采样人员。")
    j.actions += 1
    j.page.set_input_files(
        "form[action$='/reply'] input[type=file]",
        files=[FilePayload(name="现场.png", mimeType="image/png", buffer=PNG)],
    )
    j.click("form[action$='/reply'] button[type=submit]")
    expect(j.page.locator("#case-status")).to_have_text("已回复")
    expect(j.page.locator(".attachment img")).to_be_visible()
    expect(j.page.locator(".attachment .size")).to_have_text(f"{len(PNG)} 字节")
    j.shot("replied")
    assert j.fits_a_phone() <= 390
    _done(j)


def test_the_admin_keeps_accounts_and_reads_the_audit_log(
    browser: Browser, live_server: str, desk: dict[str, int]
) -> None:
    j = Journey.start(browser, "admin", live_server)
    j.log_in("admin")
    assert j.page.url.endswith("/admin")
    j.click("a[href='/admin/users']")
    j.click("#new-user summary")
    j.fill("#new-user input[name=username]", "officer_new")
    j.fill("#new-user input[name=display_name]", "新信息员")
    j.actions += 1
    j.page.select_option("#new-user select[name=role]", "officer")
    j.actions += 1
    j.page.select_option("#new-user select[name=unit_id]", label="　昆都仑区")
    j.fill("#new-user input[name=password]", "a long password")
    j.click("#new-user button[type=submit]")
    expect(j.page.locator(".notice")).to_contain_text("账号已保存")
    row = j.page.locator("tr[data-username='officer_new']")
    expect(row).to_contain_text("昆都仑区")
    j.click("tr[data-username='officer_new'] details summary")
    j.click("tr[data-username='officer_new'] form[action$='/password'] button")
    expect(j.page.locator("#new-password")).to_contain_text("officer_new")
    j.shot("users")
    j.click("a[href='/admin/audit']")
    j.fill("input[name=who]", "admin")
    j.click("form.filters button[type=submit]")
    expect(j.page.locator("table.audit")).to_contain_text("重置密码")
    j.shot("audit")
    j.page.set_viewport_size(PHONE)
    expect(j.page.locator("nav.mainnav")).to_be_hidden()  # folded behind 菜单
    j.click("button.nav-toggle")
    expect(j.page.locator("nav.mainnav")).to_be_visible()
    assert int(j.page.evaluate("document.documentElement.scrollWidth")) <= 390
    j.page.set_viewport_size(DESKTOP)
    _done(j)


def test_a_citizen_reads_clarifications_without_the_desk_banner(
    browser: Browser, live_server: str, desk: dict[str, int]
) -> None:
    page = browser.new_page()
    page.goto(f"{live_server}/clarifications")
    expect(page.locator(".public-title")).to_contain_text("辟谣与权威澄清")
    assert "舆情信息工作平台" not in page.content()
    page.close()
