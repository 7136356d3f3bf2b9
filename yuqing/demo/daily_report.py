"""The demo plays the desk's daily report: drafted from the data, reviewed, signed and
issued; and the week's 情况通报, drafted from the assessment and waiting for the signer."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.demo.scenario import Scenario
from yuqing.reports import workflow as wf
from yuqing.reports.actions import draft_report
from yuqing.reports.adoption import adopt_into, candidates
from yuqing.reports.render import default_unit, document_for, render
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window, days_window
from yuqing.store.db import Database
from yuqing.store.models import Report
from yuqing.store.types import utcnow

EDITOR_TEXT = {
    "judgement": (
        "本期涉疫舆情总体平稳，关注点集中在核酸检测排队、生活物资供应和物价。"
        "个别谣言在本地群组中转发，已及时发布辟谣信息，未形成扩散。\n"
        "昆都仑区检测点排队时间长的反映较为集中，如不及时回应，可能引发负面情绪。"
    ),
    "suggestions": (
        "一是请卫生健康部门公布各检测点实时排队情况，引导群众错峰检测。\n"
        "二是请市场监管部门加强重点商品价格巡查，及时通报查处情况。\n"
        "三是对仍在传播的谣言持续发布权威信息。"
    ),
    "next_steps": "继续做好7×24小时监测，重点关注检测、物资和物价相关诉求的办理进度。",
}
ADOPT = 2
BULLETIN_TEXT = {
    "suggestions": "请得分靠后的单位对照考核办法查找原因，落实每日报送和零报告制度。",
    "next_steps": "下周起对连续缺报的单位进行电话提醒，并在下期通报中说明整改情况。",
}


def play(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """Play this part of the demo on a loaded, analysed desk; returns lines to print."""
    return daily(db, settings, scenario) + bulletin(db, settings, scenario)


def daily(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """The last full day's daily report: drafted, edited, adopted into, signed, issued."""
    tz = settings.tz
    # The last daily window the week's data covers whole: it ends at 9:00 on its last day.
    day = scenario.start.astimezone(tz).date() + timedelta(days=scenario.days - 1)
    window = daily_window(day, tz, settings.report_window_hour)
    now = utcnow()
    with db.transaction() as session:
        ensure_default_series(session, default_unit(settings))
        series = get_series(session, "daily")
        existing = drafted(session, series.id, window.start)
        if existing is not None:
            return [f"daily report {existing} already drafted for {window.label()}"]
        editor = wf.actor_for(session, "editor")
        signer = wf.actor_for(session, "signer")
        report = wf.create_draft(session, series, window, editor, now)
        wf.edit_sections(session, report.id, editor, EDITOR_TEXT)
        picks = [c.id for c in candidates(session, report.id, tz)][:ADOPT]
        if picks:
            adopt_into(session, report.id, picks, editor, tz, now)
        wf.submit(session, report.id, editor)
        wf.approve(session, report.id, signer)
        wf.issue(session, report.id, signer, now)
        report_id, number, title = report.id, report.number, report.title
    lines = [
        f"daily report {report_id} issued as 第{number}期: {title} "
        f"({window.label()}, {len(picks)} field reports adopted)"
    ]
    return lines + write_files(db, settings, report_id)


def drafted(session: Session, series_id: int, start: datetime) -> int | None:
    """The report of this series already drafted for the window starting at ``start``."""
    return session.scalar(
        select(Report.id).where(Report.series_id == series_id, Report.window_start == start)
    )


def write_files(db: Database, settings: Settings, report_id: int) -> list[str]:
    folder = settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    with db.reading() as session:
        doc = document_for(session, report_id, settings)
    lines = []
    for fmt in ("docx", "pdf"):
        out = render(doc, fmt)
        path = folder / out.filename
        path.write_bytes(out.data)
        lines.append(f"  {fmt.upper()}: {path}")
    return lines


def bulletin(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """The week's 情况通报 from the assessment, drafted and waiting for the signer."""
    first = scenario.start.astimezone(settings.tz).date()
    last = first + timedelta(days=scenario.days - 1)
    with db.transaction() as session:
        ensure_default_series(session, default_unit(settings))
        window = days_window(first, last, settings.tz)
        existing = drafted(session, get_series(session, "bulletin").id, window.start)
        if existing is not None:
            return [f"bulletin {existing} already drafted for {window.label()}"]
        editor = wf.actor_for(session, "editor")
        report = draft_report(
            session, settings, "bulletin", editor, utcnow(), start=first, end=last
        )
        wf.edit_sections(session, report.id, editor, BULLETIN_TEXT)
        wf.submit(session, report.id, editor)
        return [f"bulletin {report.id} drafted and submitted for review: {report.title}"]
