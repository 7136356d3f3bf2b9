"""The daily draft's figures are the right numbers, and each leads to exactly the
records it counts."""

from __future__ import annotations

from datetime import timedelta

from tests.reports.seed import DAY, END, EXPECTED, START, TZ, seed
from yuqing.reports.records import records
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window
from yuqing.reports.workflow import SYSTEM, create_draft, latest_version
from yuqing.store.db import Database
from yuqing.store.models import Report

NOW = END + timedelta(hours=1)


def draft_daily(db: Database) -> int:
    with db.transaction() as session:
        seed(session)
        ensure_default_series(session, "测试市舆情专班")
        report = create_draft(
            session, get_series(session, "daily"), daily_window(DAY, TZ), SYSTEM, NOW
        )
        return report.id


def test_the_window_is_nine_to_nine_local() -> None:
    window = daily_window(DAY, TZ)
    assert (window.start, window.end) == (START, END)
    assert window.label() == "2026年11月16日9时至11月17日9时"
    assert window.days == [DAY - timedelta(days=1)]


def test_daily_figures_are_the_seeded_numbers(db: Database) -> None:
    report_id = draft_daily(db)
    with db.reading() as session:
        figures = latest_version(session, report_id).content["figures"]
    got = {key: figures[key]["value"] for key in EXPECTED}
    assert got == EXPECTED


def test_every_figure_in_the_content_has_records(db: Database) -> None:
    report_id = draft_daily(db)
    with db.reading() as session:
        report = session.get(Report, report_id)
        assert report is not None
        figures = latest_version(session, report_id).content["figures"]
        for key in figures:
            page = records(session, report, key, TZ)
            if key.startswith("tally:"):
                # A tally figure sums values; its records are the entries summed.
                entries = {"tally:leaflets": 1, "tally:leaflets:total": 2}[key]
                assert page.total == entries, key
            else:
                assert page.total == figures[key]["value"] == len(page.rows), key
