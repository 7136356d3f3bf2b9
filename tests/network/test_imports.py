"""Spreadsheet imports: bad rows are quarantined with their row and reason, the others kept."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import select

from tests.network.conftest import MORNING, TZ, Net
from yuqing.network.imports import import_tallies, import_units
from yuqing.network.scope import Reach
from yuqing.network.tallies import add_metric, tally_summary
from yuqing.store.models import QuarantineEntry, TallyEntry, Unit

LATER = MORNING + timedelta(days=5)


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_units_import_keeps_good_rows_and_quarantines_bad_ones(net: Net, tmp_path: Path) -> None:
    sheet = _csv(
        tmp_path / "units.csv",
        [
            ["名称", "类型", "上级", "代码", "截止时间"],
            ["东关街道", "街道", "990202", "990202002", "16:30"],
            ["东关社区", "社区", "青岚市/东城区/东关街道", "990202002001", ""],
            ["无名", "星球", "990202", "", ""],  # unknown kind
            ["孤儿社区", "社区", "不存在区", "", ""],  # unknown parent
            ["", "社区", "990202", "", ""],  # no name
            ["晚报社区", "社区", "990202", "", "25:00"],  # impossible deadline
        ],
    )
    with net.db.transaction() as session:
        result = import_units(session, sheet, user_id=net.analyst)
    assert (result.read, result.stored) == (6, 2)
    assert [p for p, _ in result.rejected] == ["row 4", "row 5", "row 6", "row 7"]
    with net.db.reading() as session:
        street = session.scalar(select(Unit).where(Unit.code == "990202002"))
        community = session.scalar(select(Unit).where(Unit.code == "990202002001"))
        assert street is not None and community is not None
        assert street.report_deadline == time(16, 30) and street.kind == "street"
        assert community.path == f"{street.path}{community.id}/"
        held = session.scalars(select(QuarantineEntry).order_by(QuarantineEntry.id)).all()
        assert (held[0].position, held[0].origin) == ("row 4", "单位导入 units.csv")
        assert "星球" in held[0].reason and "不存在区" in held[1].reason


def test_units_import_dry_run_keeps_nothing(net: Net, tmp_path: Path) -> None:
    sheet = _csv(
        tmp_path / "units.csv",
        [["name", "kind", "parent"], ["新区", "district", "990200"], ["坏", "xx", "990200"]],
    )
    with net.db.transaction() as session:
        result = import_units(session, sheet, user_id=None, dry_run=True)
    assert (result.stored, len(result.rejected)) == (1, 1)
    with net.db.reading() as session:
        assert session.scalar(select(Unit).where(Unit.name == "新区")) is None
        assert session.scalars(select(QuarantineEntry)).all() == []


def test_tally_import_from_xlsx_with_bad_rows(net: Net, tmp_path: Path) -> None:
    with net.db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows: list[list[object]] = [
        ["单位", "日期", "指标", "数值"],
        ["990202", datetime(2026, 11, 16), "leaflets", 100],
        ["鼓楼街道", "2026/11/16", "宣传单", "1,200"],
        ["990203", "2026-11-16", "leaflets", -5],  # negative
        ["990202", "2026-11-31", "leaflets", 5],  # no such day
        ["990202", "2026-11-16", "没有的指标", 5],  # unknown metric
        ["不存在", "2026-11-16", "leaflets", 5],  # unknown unit
        ["990202", "2026-11-16", "leaflets", 150],  # a correction of row 2
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "tallies.xlsx"
    book.save(path)
    with net.db.transaction() as session:
        result = import_tallies(
            session, path, reach=Reach.everywhere(net.analyst), now=LATER, tz=TZ
        )
    assert (result.read, result.stored) == (7, 3)
    assert len(result.rejected) == 4
    assert [p for p, _ in result.rejected] == [f"sheet Sheet row {n}" for n in (4, 5, 6, 7)]
    day = date(2026, 11, 16)
    with net.db.reading() as session:
        lines = tally_summary(session, day, day)
        assert lines[0].new == 1350  # 150 (corrected) + 1200
        assert len(session.scalars(select(TallyEntry)).all()) == 3
        assert len(session.scalars(select(QuarantineEntry)).all()) == 4


def test_an_officer_imports_only_their_own_units_rows(net: Net, tmp_path: Path) -> None:
    with net.db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    sheet = _csv(
        tmp_path / "t.csv",
        [
            ["unit", "day", "metric", "value"],
            ["990203", "2026-11-16", "leaflets", "7"],
            ["990202", "2026-11-16", "leaflets", "9"],
        ],
    )
    with net.db.transaction() as session:
        result = import_tallies(session, sheet, reach=net.reach(net.west_officer), now=LATER, tz=TZ)
    assert result.stored == 1
    assert result.rejected[0][0] == "row 3"


def test_an_officers_rows_for_other_units_are_refused_into_the_quarantine(
    net: Net, tmp_path: Path
) -> None:
    with net.db.transaction() as session:
        add_metric(session, "leaflets", "宣传单", "份")
    sheet = _csv(
        tmp_path / "east.csv",
        [
            ["单位", "日期", "指标", "数值"],
            ["东城区", "2026-11-16", "leaflets", "9"],  # own unit by name
            ["990202001", "2026-11-16", "leaflets", "4"],  # a town below: read, not typed
            ["990203", "2026-11-16", "leaflets", "7"],  # another district
            ["不存在", "2026-11-16", "leaflets", "1"],  # no such unit: the same answer
            ["990202", "2026-11-17", "leaflets", "3"],  # own unit by code
        ],
    )
    with net.db.transaction() as session:
        result = import_tallies(session, sheet, reach=net.reach(net.east_officer), now=LATER, tz=TZ)
    assert (result.read, result.stored) == (5, 2)
    assert [p for p, _ in result.rejected] == ["row 3", "row 4", "row 5"]
    for (_, reason), ref in zip(result.rejected, ("990202001", "990203", "不存在"), strict=True):
        assert f"单位 {ref!r} 不是本单位（东城区）" in reason
    with net.db.reading() as session:
        entries = session.scalars(select(TallyEntry)).all()
        assert {(e.unit_id, e.value) for e in entries} == {(net.east, 9), (net.east, 3)}
        held = session.scalars(select(QuarantineEntry).order_by(QuarantineEntry.id)).all()
        assert [h.position for h in held] == ["row 3", "row 4", "row 5"]
        assert "不是本单位" in held[1].reason and "990203" in (held[1].raw or "")
