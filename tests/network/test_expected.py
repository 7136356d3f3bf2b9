"""Which days a unit is expected to report: from the local day it was created, and
until the local day it was made inactive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.network.conftest import TZ, Net
from yuqing.network.assessment import assess
from yuqing.network.compliance import window_compliance
from yuqing.network.field_reports import file_zero_report
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.network.units import set_unit_active
from yuqing.store.models import AuditEntry, Role, Unit

DAY = date(2026, 11, 16)
WEEK_LATER = datetime(2026, 11, 24, 2, tzinfo=UTC)


def _expected_days(net: Net, unit_id: int, now: datetime = WEEK_LATER) -> list[date]:
    with net.db.reading() as session:
        days = window_compliance(session, DAY, DAY + timedelta(days=6), TZ, now)
    return [d.deadline.astimezone(TZ).date() for d in days if d.unit_id == unit_id]


def test_a_new_unit_is_expected_from_the_local_day_it_was_created(net: Net) -> None:
    # 17:30 UTC on the 17th is 01:30 on the 18th in Shanghai: the 18th is its first day
    created = datetime(2026, 11, 17, 17, 30, tzinfo=UTC)
    with net.db.transaction() as session:
        city = session.get(Unit, net.city)
        unit = add_unit(session, "新城区", "district", parent=city, created_at=created)
        add_user(session, "o_new", "correct horse battery", grants=[Grant(Role.OFFICER, unit.id)])
        new_id = unit.id
    days = _expected_days(net, new_id)
    assert days[0] == date(2026, 11, 18) and len(days) == 5
    # the units that existed all week are expected on all seven days
    assert len(_expected_days(net, net.west)) == 7


def test_an_inactive_unit_stops_being_expected_and_keeps_its_history(net: Net) -> None:
    with net.db.transaction() as session:
        for offset in range(3):
            day = DAY + timedelta(days=offset)
            at = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)  # 09:00 local
            file_zero_report(session, net.reach(net.west_officer), now=at, tz=TZ)
        # 16:30 UTC on the 18th is 00:30 on the 19th locally: the 19th is its first day off
        stopped = datetime(2026, 11, 18, 16, 30, tzinfo=UTC)
        set_unit_active(session, net.west, False, net.analyst, now=stopped)
    assert _expected_days(net, net.west) == [DAY + timedelta(days=n) for n in range(3)]
    with net.db.reading() as session:
        scores = {
            s.unit_id: s for s in assess(session, DAY, DAY + timedelta(6), TZ, now=WEEK_LATER)
        }
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "unit_active_set"))
        assert [(a.object_id, a.detail) for a in audit] == [(str(net.west), {"active": False})]
    # three days expected, three on time: the unit is not punished for the days after
    west = scores[net.west]
    assert (west.days_expected, west.days_covered, west.on_time_rate) == (3, 3, 1.0)


def test_reactivating_undoes_a_deactivation(net: Net) -> None:
    with net.db.transaction() as session:
        set_unit_active(session, net.west, False, net.analyst, now=WEEK_LATER)
        set_unit_active(session, net.west, False, net.analyst, now=WEEK_LATER)  # no-op
    with net.db.transaction() as session:
        unit = set_unit_active(session, net.west, True, net.analyst, now=WEEK_LATER)
        assert unit.active and unit.deactivated_at is None
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "unit_active_set")
        ).all()
        assert len(actions) == 2
    assert len(_expected_days(net, net.west)) == 7


def test_an_inactive_unit_with_no_known_time_is_never_expected(net: Net) -> None:
    """Units made inactive before the time was kept (the column came later)."""
    with net.db.transaction() as session:
        unit = session.get(Unit, net.west)
        assert unit is not None
        unit.active = False
    assert _expected_days(net, net.west) == []
    assert len(_expected_days(net, net.east)) == 7
