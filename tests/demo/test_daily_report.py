"""The demo drafts the daily report for its last full day from the data, adopts field
reports into it, and has it submitted, approved and issued; DOCX and PDF are written.
It also drafts the week's 情况通报 from the assessment and submits it for review."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
from sqlalchemy import select

from yuqing.config import load_settings
from yuqing.demo import daily_report
from yuqing.demo.live import load_live
from yuqing.demo.scenario import build_scenario
from yuqing.network.assessment import assess
from yuqing.reports.workflow import versions
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, FieldReport, Report

TZ = ZoneInfo("Asia/Shanghai")


def test_the_demo_issues_its_daily_report(sqlite_db: Database, tmp_path: Path) -> None:
    scenario = build_scenario(seed=5, items=80)
    _, server = load_live(
        sqlite_db, scenario, folder=tmp_path, secret="d" * 32, password="demo-password", tz=TZ
    )
    server.shutdown()
    server.server_close()
    settings = load_settings(data_dir=tmp_path, secret_key="d" * 32, city_name="青岚市")
    lines = daily_report.play(sqlite_db, settings, scenario)
    assert lines[0].startswith("daily report ") and "第1期" in lines[0]
    assert "2026年11月21日9时至11月22日9时" in lines[0]
    paths = [Path(line.split(": ", 1)[1]) for line in lines[1:3]]
    assert [p.suffix for p in paths] == [".docx", ".pdf"]
    assert paths[1].read_bytes().startswith(b"%PDF")
    texts = [p.text for p in docx.Document(str(paths[0])).paragraphs]
    assert texts[1] == "第1期\t签发人：科长 张建国"
    assert texts[2].startswith("青岚市舆情工作专班\t")  # the configured unit, not "青岚市"
    assert lines[3].startswith("bulletin ") and "submitted for review" in lines[3]
    assert "关于2026年11月16日至11月22日舆情信息报送工作的情况通报" in lines[3]
    with sqlite_db.reading() as session:
        report, bulletin = session.scalars(select(Report).order_by(Report.id)).all()
        assert (bulletin.status, bulletin.number) == ("in_review", None)
        scores = assess(
            session, date(2026, 11, 16), date(2026, 11, 22), TZ, now=bulletin.created_at
        )
        units = versions(session, bulletin.id)[-1].content["figures"]["assess:units"]["value"]
        assert units == len(scores) > 0
        assert (report.status, report.number, report.signer_name) == ("issued", 1, "科长 张建国")
        adopted = session.scalars(
            select(FieldReport.id).where(FieldReport.adopted_report_id == report.id)
        ).all()
        content = versions(session, report.id)[-1].content
        assert content["figures"]["field:adopted"]["value"] == len(adopted) > 0
        assert content["figures"]["items"]["value"] > 0
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "report")
        ).all()
        assert {"report_drafted", "report_submitted", "report_approved", "report_issued"} <= set(
            actions
        )
    # Playing again drafts nothing new.
    again = daily_report.play(sqlite_db, settings, scenario)
    assert len(again) == 2 and all("already drafted" in line for line in again)
