"""The demo's issued 日报 and a 专报 on its rumour event, as a signer gets them: each
rendered to pages (DOCX through LibreOffice, PDF through WeasyPrint) and measured
with the checks of :mod:`tests.reports.test_pages`. The scenario is small (a few
hundred items) so that collecting and analysing it stays quick."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.reports.test_pages import check_pages, render_both
from yuqing.config import load_settings
from yuqing.demo import daily_report
from yuqing.demo.live import DEMO_CITY_CODE, analyse_demo, load_live
from yuqing.demo.scenario import build_scenario
from yuqing.reports import workflow as wf
from yuqing.reports.actions import draft_report
from yuqing.reports.adoption import adopt_into, candidates
from yuqing.reports.render import document_for
from yuqing.store.db import Database
from yuqing.store.models import ClaimMatch, Item, Report
from yuqing.store.types import utcnow

TZ = ZoneInfo("Asia/Shanghai")
COPY_TO = ["市疫情防控指挥部办公室", "市委宣传部"]


def rumour_event(db: Database) -> int:
    """The event whose items most often match a known rumour."""
    with db.reading() as session:
        n = func.count().label("n")
        row = session.execute(
            select(Item.event_id, n)
            .join(ClaimMatch, ClaimMatch.item_id == Item.id)
            .where(Item.event_id.is_not(None))
            .group_by(Item.event_id)
            .order_by(n.desc(), Item.event_id)
            .limit(1)
        ).first()
    assert row is not None and row[0] is not None, "the demo week should carry a rumour event"
    return int(row[0])


def test_the_demo_reports_render_as_designed(sqlite_db: Database, tmp_path: Path) -> None:
    scenario = build_scenario(seed=2026, items=600)
    _, server = load_live(
        sqlite_db, scenario, folder=tmp_path, secret="d" * 32, password="demo-password", tz=TZ
    )
    server.shutdown()
    server.server_close()
    analyse_demo(sqlite_db, scenario, [DEMO_CITY_CODE])
    settings = load_settings(
        data_dir=tmp_path,
        secret_key="d" * 32,
        city_name="青岚市",
        report_issuing_unit="青岚市疫情防控舆情工作专班",
        report_copy_to=COPY_TO,
    )
    daily_report.daily(sqlite_db, settings, scenario)
    event_id = rumour_event(sqlite_db)
    with sqlite_db.transaction() as session:
        editor, signer = wf.actor_for(session, "editor"), wf.actor_for(session, "signer")
        special = draft_report(session, settings, "special", editor, utcnow(), event_id=event_id)
        related = [c.id for c in candidates(session, special.id, TZ)][:2]
        adopt_into(session, special.id, related, editor, TZ, utcnow())
        wf.edit_sections(session, special.id, editor, daily_report.EDITOR_TEXT)
        wf.submit(session, special.id, editor)
        wf.approve(session, special.id, signer)
        wf.issue(session, special.id, signer, utcnow())
    with sqlite_db.reading() as session:
        ids = session.scalars(select(Report.id).where(Report.status == "issued")).all()
        docs = [document_for(session, report_id, settings) for report_id in ids]
    assert sorted(d.kind for d in docs) == ["daily", "special"]
    for doc in docs:
        assert doc.issuing_unit == "青岚市疫情防控舆情工作专班" and list(doc.copy_to) == COPY_TO
        folder = tmp_path / doc.kind
        folder.mkdir()
        for rendered in render_both(doc, folder):
            check_pages(rendered)
    special_doc = next(d for d in docs if d.kind == "special")
    # A rumour event's 专报 counts its own rumour items, confirmed or waiting.
    figures = special_doc.figures
    assert figures["rumour_items"]["value"] + figures["rumour_items:candidate"]["value"] > 0
    keys = [s["key"] for s in special_doc.sections]
    assert keys[:3] == ["summary", "timeline", "sources"]
