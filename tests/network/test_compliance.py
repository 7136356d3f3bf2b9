"""Deadlines across the window and the time zone; late and missing roll up."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.network.conftest import MORNING, TZ, Net
from yuqing.network.compliance import deadline_at, rollup, unit_compliance, window_compliance
from yuqing.network.field_reports import ReportDraft, file_report, file_zero_report
from yuqing.store.models import Unit

DAY = date(2026, 11, 16)


def test_deadline_is_local_wall_time_in_the_desks_zone() -> None:
    assert deadline_at(DAY, time(17, 0), TZ) == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    # New York: 17:00 is 22:00 UTC in winter, 21:00 UTC before the clocks change.
    ny = ZoneInfo("America/New_York")
    assert deadline_at(date(2026, 11, 2), time(17), ny) == datetime(2026, 11, 2, 22, tzinfo=UTC)
    assert deadline_at(date(2026, 10, 30), time(17), ny) == datetime(2026, 10, 30, 21, tzinfo=UTC)


def test_expected_units_are_staffed_non_departments(net: Net) -> None:
    with net.db.reading() as session:
        days = unit_compliance(session, DAY, TZ, MORNING)
    assert [d.unit_id for d in days] == [net.east, net.town, net.west]
    assert {d.status for d in days} == {"pending"}


def test_on_time_late_missing_and_pending(net: Net) -> None:
    deadline = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 17:00 Shanghai
    with net.db.transaction() as session:
        file_zero_report(session, net.reach(net.east_officer), now=deadline, tz=TZ)
        file_report(
            session,
            net.reach(net.town_officer),
            ReportDraft("排队时间长", "鼓楼街道采样点排队两小时"),
            now=deadline + timedelta(seconds=1),
            tz=TZ,
        )
    with net.db.reading() as session:
        before = {d.unit_id: d for d in unit_compliance(session, DAY, TZ, deadline)}
        after = {d.unit_id: d for d in unit_compliance(session, DAY, TZ, deadline + timedelta(1))}
    assert before[net.east].status == "on_time" and before[net.east].is_zero
    assert before[net.west].status == "pending"
    assert after[net.west].status == "missing"
    late = after[net.town]
    assert (late.status, late.reports, late.is_zero) == ("late", 1, False)
    assert late.first_submitted_at == deadline + timedelta(seconds=1)


def test_a_unit_deadline_of_its_own_and_a_report_after_midnight_is_late(net: Net) -> None:
    with net.db.transaction() as session:
        unit = session.get(Unit, net.west)
        assert unit is not None
        unit.report_deadline = time(9, 30)
        # 09:31 local on the day is after this unit's deadline
        file_zero_report(
            session,
            net.reach(net.west_officer),
            now=datetime(2026, 11, 16, 1, 31, tzinfo=UTC),
            tz=TZ,
        )
        # filed for the 16th at 00:30 local on the 17th
        file_report(
            session,
            net.reach(net.east_officer),
            ReportDraft("物价", "蔬菜价格上涨", day=DAY),
            now=datetime(2026, 11, 16, 16, 30, tzinfo=UTC),
            tz=TZ,
        )
    with net.db.reading() as session:
        days = {d.unit_id: d for d in unit_compliance(session, DAY, TZ, MORNING + timedelta(2))}
    assert days[net.west].status == "late"
    assert days[net.west].deadline == datetime(2026, 11, 16, 1, 30, tzinfo=UTC)
    assert days[net.east].status == "late"


def test_the_utc_day_is_not_the_local_day(net: Net) -> None:
    """23:30 UTC on the 15th is 07:30 on the 16th in Shanghai: it files for the 16th."""
    early = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)
    with net.db.transaction() as session:
        report = file_zero_report(session, net.reach(net.east_officer), now=early, tz=TZ)
        assert report.report_date == DAY
    with net.db.reading() as session:
        days = {d.unit_id: d.status for d in unit_compliance(session, DAY, TZ, early)}
    assert days[net.east] == "on_time"


def test_rollup_counts_each_subtree(net: Net) -> None:
    with net.db.transaction() as session:
        file_zero_report(session, net.reach(net.town_officer), now=MORNING, tz=TZ)
    with net.db.reading() as session:
        days = unit_compliance(session, DAY, TZ, MORNING + timedelta(days=1))
    rolled = rollup(days)
    assert rolled[net.city].expected == 3
    assert (rolled[net.city].on_time, rolled[net.city].missing) == (1, 2)
    assert (rolled[net.east].expected, rolled[net.east].on_time, rolled[net.east].missing) == (
        2,
        1,
        1,
    )
    assert rolled[net.west].missing == 1 and rolled[net.west].on_time == 0
    assert net.school not in rolled and net.dept not in rolled


def test_window_lists_every_day(net: Net) -> None:
    with net.db.reading() as session:
        days = window_compliance(session, DAY, DAY + timedelta(days=2), TZ, MORNING)
    assert len(days) == 9
    assert {d.status for d in days} == {"pending"}
