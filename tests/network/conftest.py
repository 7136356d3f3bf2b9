"""A small network on both backends: a city, two districts, a town, a school without
an officer and a department."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.prepared import Prepared
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.network.scope import Reach
from yuqing.store.db import Database
from yuqing.store.models import Role

TZ = ZoneInfo("Asia/Shanghai")
# 2026-11-16 10:00 in Shanghai: before the 17:00 deadline.
MORNING = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
# The network existed before the days the tests look at: units are expected from creation.
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Net:
    db: Database
    city: int
    east: int
    town: int
    west: int
    school: int
    dept: int
    east_officer: int
    town_officer: int
    west_officer: int
    analyst: int

    def reach(self, officer: int) -> Reach:
        home = {self.east_officer: self.east, self.town_officer: self.town}.get(officer, self.west)
        with self.db.reading() as session:
            from yuqing.network.scope import officer_reach

            return officer_reach(session, officer, [home])


@pytest.fixture
def net(db: Database, prepared: Prepared) -> Net:
    """The network on ``db``; filled once per backend, copied per test (ids are the same)."""
    return replace(prepared.copy_into(db, "network", fill_net), db=db)


def fill_net(db: Database) -> Net:
    with db.transaction() as session:
        city = add_unit(session, "青岚市", "city", code="990200", created_at=SINCE)
        east = add_unit(session, "东城区", "district", parent=city, code="990202", created_at=SINCE)
        town = add_unit(
            session, "鼓楼街道", "street", parent=east, code="990202001", created_at=SINCE
        )
        west = add_unit(session, "西湖区", "district", parent=city, code="990203", created_at=SINCE)
        school = add_unit(session, "第一中学", "school", parent=east, created_at=SINCE)
        dept = add_unit(session, "市卫生健康委员会", "department", parent=city, created_at=SINCE)
        users = {}
        for name, unit in (("o_east", east), ("o_town", town), ("o_west", west), ("o_dept", dept)):
            users[name] = add_user(
                session, name, PASSWORD, unit=unit, grants=[Grant(Role.OFFICER, unit.id)]
            ).id
        analyst = add_user(session, "analyst", PASSWORD, grants=[Grant(Role.ANALYST)]).id
        return Net(
            db,
            city.id,
            east.id,
            town.id,
            west.id,
            school.id,
            dept.id,
            users["o_east"],
            users["o_town"],
            users["o_west"],
            analyst,
        )
