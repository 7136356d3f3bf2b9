"""What the reports wing does on the schedule, every minute: daily drafts when a window closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.reports.render import default_unit
from yuqing.reports.series import ensure_default_series
from yuqing.reports.windows import last_closed_daily_window
from yuqing.reports.workflow import SYSTEM, create_draft
from yuqing.store.db import Database
from yuqing.store.models import Report, ReportSeries


def run_duties(db: Database, settings: Settings, now: datetime) -> None:
    """Do whatever has fallen due by ``now`` (UTC); safe to call again."""
    draft_closed_daily_windows(db, settings, now)


def draft_closed_daily_windows(db: Database, settings: Settings, now: datetime) -> list[int]:
    """Draft each daily series' report for the window that closed last, once."""
    with db.reading() as session:
        daily = session.scalars(select(ReportSeries.id).where(ReportSeries.kind == "daily")).all()
        if daily and all(_drafted(session, s, settings, now) for s in daily):
            return []  # the usual minute: one small query, nothing to write
    made = []
    with db.transaction() as session:
        if not daily:
            ensure_default_series(session, default_unit(settings))
        # The series row lock keeps two schedulers from drafting the same window twice.
        series_rows = session.scalars(
            select(ReportSeries).where(ReportSeries.kind == "daily").with_for_update()
        ).all()
        for series in series_rows:
            hour = int(series.settings.get("window_hour", settings.report_window_hour))
            window = last_closed_daily_window(now, settings.tz, hour)
            if _exists(session, series.id, window.start):
                continue
            made.append(create_draft(session, series, window, SYSTEM, now).id)
    return made


def _drafted(session: Session, series_id: int, settings: Settings, now: datetime) -> bool:
    series = session.get(ReportSeries, series_id)
    assert series is not None
    hour = int(series.settings.get("window_hour", settings.report_window_hour))
    return _exists(session, series_id, last_closed_daily_window(now, settings.tz, hour).start)


def _exists(session: Session, series_id: int, start: datetime) -> bool:
    found = session.scalar(
        select(Report.id).where(Report.series_id == series_id, Report.window_start == start)
    )
    return found is not None
