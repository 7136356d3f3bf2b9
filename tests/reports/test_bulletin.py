"""The 情况通报: the assessment of the reporting network for a period, as a report whose
figures are exactly assess()'s, each leading to its records, issued through its series."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import docx
import pytest

from tests.reports.seed import DAY, END, TZ, World, local, seed
from tests.reports.test_render import tool
from yuqing.errors import BadInput
from yuqing.network.assessment import assess
from yuqing.reports import workflow as wf
from yuqing.reports.bulletin import COLUMNS, coverage, percent
from yuqing.reports.records import records
from yuqing.reports.render import load_document, render
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.store.db import Database
from yuqing.store.models import Directive, DirectiveTarget, FieldReport, Report

NOW = END + timedelta(hours=1)
FIRST, LAST = DAY - timedelta(days=2), DAY - timedelta(days=1)  # 11-15 and 11-16
UNIT = "测试市舆情专班"
UNIT_LISTS = ("assess:units", "assess:silent")


def seeded(db: Database) -> World:
    with db.transaction() as session:
        world = seed(session)
        report = session.get(FieldReport, world.field_report_id)
        assert report is not None
        report.adopted = True
        # A task sent on 11-15, due 11-16 18:00: done on time by one unit, not by another.
        task = Directive(
            title="排查谣言传播情况",
            body="请各区排查。",
            deadline=local(LAST, 18),
            created_at=local(FIRST, 10),
        )
        session.add(task)
        session.flush()
        done = DirectiveTarget(
            directive_id=task.id, unit_id=world.unit_ids["昆都仑区"], completed_at=local(LAST, 9)
        )
        session.add_all(
            [done, DirectiveTarget(directive_id=task.id, unit_id=world.unit_ids["青山区"])]
        )
        ensure_default_series(session, UNIT)
    return world


def draft_bulletin(db: Database, first: date = FIRST, last: date = LAST) -> int:
    with db.transaction() as session:
        series = get_series(session, "bulletin")
        window = wf.window_for(series, TZ, 9, None, None, session, start=first, end=last)
        return wf.create_draft(session, series, window, wf.SYSTEM, NOW).id


def test_the_bulletin_figures_are_the_assessment(db: Database) -> None:
    world = seeded(db)
    kundulun, donghe = world.unit_ids["昆都仑区"], world.unit_ids["东河区"]
    report_id = draft_bulletin(db)
    with db.reading() as session:
        content = wf.latest_version(session, report_id).content
        report = session.get(Report, report_id)
        assert report is not None
        scores = assess(session, FIRST, LAST, TZ, now=NOW)
        pages = {key: records(session, report, key, TZ) for key in content["figures"]}
    for key, page in pages.items():
        value = content["figures"][key]["value"]
        if key.endswith((":reports", ":zeros", ":adopted")) or key in UNIT_LISTS:
            assert page.total == value == len(page.rows), key
        elif key.endswith(":tallies"):  # the entries on days tallied
            assert page.total == (2 if key == f"assess:{kundulun}:tallies" else 0), key
        elif key.endswith(":directives"):  # the tasks sent to the unit
            assert page.total == 1, key
        else:  # a rate or score leads to the unit's days
            assert page.total == 2 == len(page.rows), key
    notes = [r.note for r in pages[f"assess:{kundulun}:directives"].rows]
    notes += [r.note for r in pages[f"assess:{world.unit_ids['青山区']}:directives"].rows]
    assert notes == ["按时完成", "未完成"]
    assert report.title == "关于2026年11月15日至11月16日舆情信息报送工作的情况通报"
    figures = {key: f["value"] for key, f in content["figures"].items()}
    assert [s.unit_name for s in scores] == ["昆都仑区", "青山区", "东河区"]
    for s in scores:
        unit = f"assess:{s.unit_id}"
        assert figures[f"{unit}:reports"] == s.reports_filed
        assert figures[f"{unit}:zeros"] == s.zero_reports
        assert figures[f"{unit}:adopted"] == s.adopted
        assert figures[f"{unit}:coverage"] == percent(coverage(s))
        assert figures[f"{unit}:on_time"] == percent(s.on_time_rate)
        assert figures[f"{unit}:tallies"] == percent(s.tally_completeness)
        if s.unit_name != "东河区":  # the only unit sent no task: not applicable
            assert figures[f"{unit}:directives"] == percent(s.directives_on_time)
        assert figures[f"{unit}:score"] == s.score
    assert figures[f"assess:{kundulun}:directives"] == 100.0
    assert f"assess:{donghe}:directives" not in figures
    assert (figures[f"assess:{kundulun}:reports"], figures[f"assess:{kundulun}:adopted"]) == (2, 1)
    assert figures["assess:units"] == 3 and figures["assess:silent"] == 1
    assert figures["assess:all:reports"] == 2 and figures["assess:all:zeros"] == 1
    summary = " ".join(
        "".join(p if isinstance(p, str) else str(figures[p["fig"]]) for p in block["parts"])
        for block in content["sections"][0]["blocks"]
    )
    assert "得分最高的是昆都仑区" in summary and "得分最低的是东河区" in summary
    assert "未报送任何信息（含零报告）的单位1家：东河区。" in summary


def test_the_bulletin_is_issued_in_every_format_with_its_table(
    sqlite_db: Database, tmp_path: object
) -> None:
    seeded(sqlite_db)
    report_id = draft_bulletin(sqlite_db)
    with sqlite_db.transaction() as session:
        wf.edit_sections(
            session,
            report_id,
            wf.SYSTEM,
            {"suggestions": "请东河区落实零报告制度。", "next_steps": "跟踪整改。"},
        )
        wf.submit(session, report_id, wf.SYSTEM)
        wf.approve(session, report_id, wf.SYSTEM)
        assert wf.issue(session, report_id, wf.SYSTEM, NOW).number == 1
    with sqlite_db.reading() as session:
        doc = load_document(session, report_id, TZ, UNIT)
        scores = assess(session, FIRST, LAST, TZ, now=NOW)
    document = docx.Document(io.BytesIO(render(doc, "docx").data))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["情况通报", "第1期\t签发人：系统"]
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == COLUMNS
    assert [row[:3] for row in rows[1:]] == [
        [str(s.rank), s.unit_name, str(s.reports_filed)] for s in scores
    ]
    assert rows[1][-1] == f"{scores[0].score:g}" and rows[3][4] == "0%"
    assert [row[8] for row in rows[1:]] == ["100%", "0%", "—"]  # no task sent to 东河区
    assert any("请东河区落实零报告制度。" in t for t in texts)
    pdf = render(doc, "pdf").data
    text = subprocess.run(
        [tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = "".join(text.split())
    assert "情况通报" in flat and "第1期" in flat and "参加信息报送考核的单位共3家" in flat
    markdown = render(doc, "md").data.decode("utf-8")
    assert "| 排名 | 单位 | 报送信息 |" in markdown and "| 3 | 东河区 | 0 | 0 | 0% |" in markdown
    html = render(doc, "html").data.decode("utf-8")
    assert "东河区" in html and "考核办法" in html


def test_a_bulletin_needs_both_dates_in_order(sqlite_db: Database) -> None:
    seeded(sqlite_db)
    with sqlite_db.reading() as session:
        series = get_series(session, "bulletin")
        with pytest.raises(BadInput, match="起止日期"):
            wf.window_for(series, TZ, 9, None, None, session, start=FIRST)
        with pytest.raises(BadInput, match="晚于"):
            wf.window_for(series, TZ, 9, None, None, session, start=LAST, end=FIRST)
        week = wf.window_for(series, TZ, 9, LAST, None, session)
        assert week.label() == "2026年11月16日至11月22日"
