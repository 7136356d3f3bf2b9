"""The demo's week flows through the network wing: units file, the desk sends a task
and adopts reports, compliance and the assessment show them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from yuqing.config import load_settings
from yuqing.demo import network_week
from yuqing.demo.live import load_live
from yuqing.demo.scenario import build_scenario
from yuqing.network.assessment import assess
from yuqing.network.compliance import window_compliance
from yuqing.store.db import Database
from yuqing.store.models import DirectiveTarget, FieldReport, TallyEntry
from yuqing.store.types import utcnow

TZ = ZoneInfo("Asia/Shanghai")


def test_the_week_is_filed_scored_and_printed(sqlite_db: Database, tmp_path: Path) -> None:
    scenario = build_scenario(seed=5, items=60)
    loaded, server = load_live(
        sqlite_db, scenario, folder=tmp_path, secret="d" * 32, password="demo-password", tz=TZ
    )
    server.shutdown()
    server.server_close()
    settings = load_settings(data_dir=tmp_path, secret_key="d" * 32)
    lines = network_week.play(sqlite_db, settings, scenario)
    assert lines[0].startswith("network week 2026-11-16..2026-11-22")
    assert any(line.startswith("  #1 ") for line in lines)
    first = scenario.start.astimezone(TZ).date()
    last = first + timedelta(days=6)
    with sqlite_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(TallyEntry)) == loaded.tallies
        assert (session.scalar(select(func.count()).where(FieldReport.adopted)) or 0) > 0
        targets = session.scalars(select(DirectiveTarget)).all()
        assert len(targets) == 4 and sum(t.completed_at is not None for t in targets) == 2
        days = window_compliance(session, first, last, TZ, utcnow())
        statuses = {d.status for d in days}
        assert {"on_time", "late", "missing"} <= statuses
        scores = assess(session, first, last, TZ)
    by_name = {s.unit_name: s for s in scores}
    # the officer who rarely reports (临江县) ranks below the reliable one (昆都仑区)
    assert by_name["昆都仑区"].rank < by_name["临江县"].rank
    assert by_name["临江县"].days_covered < by_name["临江县"].days_expected == 7
    # playing again adds nothing
    network_week.play(sqlite_db, settings, scenario)
    with sqlite_db.reading() as session:
        assert len(session.scalars(select(DirectiveTarget)).all()) == 4
