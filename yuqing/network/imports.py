"""Spreadsheet imports of the network: units (the hierarchy) and daily tallies.

CSV or XLSX, one record a row. A bad row is quarantined with its row number and
reason and the others are kept; a dry run checks every row and keeps nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.tables import open_source
from yuqing.errors import BadInput, Forbidden, NotFound, YuqingError
from yuqing.network.cells import cell_text, parse_day, parse_deadline, parse_value
from yuqing.network.scope import Reach
from yuqing.network.tallies import current_entry, find_metric, record_tally
from yuqing.network.units import create_unit
from yuqing.store.items import quarantine
from yuqing.store.models import AuditEntry, Unit

# Accepted headers for each field, English and Chinese.
UNIT_COLUMNS = {
    "name": ("name", "名称", "单位名称", "单位"),
    "kind": ("kind", "类型", "单位类型"),
    "parent": ("parent", "parent code", "parent_code", "上级", "上级单位", "上级代码"),
    "code": ("code", "代码", "区划代码", "单位代码"),
    "deadline": ("deadline", "截止时间", "报送截止时间"),
}
TALLY_COLUMNS = {
    "unit": ("unit", "unit code", "unit_code", "单位", "单位代码", "单位名称"),
    "day": ("day", "date", "日期"),
    "metric": ("metric", "指标", "指标代码", "指标名称"),
    "value": ("value", "数值", "数量"),
    "note": ("note", "备注", "说明"),
}


@dataclass
class ImportResult:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    dry_run: bool = False


class _Columns:
    """Finds each field's cell in a row whatever the header language or case."""

    def __init__(self, header: list[str] | None, names: dict[str, tuple[str, ...]], path: Path):
        if not header:
            raise BadInput(f"{path.name}: 文件为空或没有表头")
        lowered = {h.strip().lower(): h for h in header}
        self.found = {
            key: next((lowered[a] for a in aliases if a in lowered), None)
            for key, aliases in names.items()
        }

    def require(self, *keys: str, path: Path) -> None:
        missing = [k for k in keys if self.found[k] is None]
        if missing:
            raise BadInput(f"{path.name}: 缺少列 {', '.join(missing)}")

    def get(self, values: dict[str, Any], key: str) -> Any:
        column = self.found.get(key)
        return values.get(column) if column else None


def _run_rows(
    session: Session,
    path: Path,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    handle: Callable[[_Columns, dict[str, Any]], bool],
    *,
    dry_run: bool,
    origin: str,
) -> ImportResult:
    """Apply ``handle`` to every row inside its own savepoint; quarantine the bad ones."""
    header, rows = open_source(path, None)
    found = _Columns(header, columns, path)
    found.require(*required, path=path)
    result = ImportResult(dry_run=dry_run)
    raws: dict[str, str] = {}
    outer = session.begin_nested()
    for position, values, problem, raw in rows():
        result.read += 1
        raws[position] = str(raw)[:2000]
        if values is None:
            result.rejected.append((position, problem or "无法读取此行"))
            continue
        row = session.begin_nested()
        try:
            changed = handle(found, values)
        except YuqingError as exc:
            row.rollback()
            result.rejected.append((position, exc.message))
            continue
        row.commit()
        if changed:
            result.stored += 1
        else:
            result.unchanged += 1
    if dry_run:
        outer.rollback()
        return result
    outer.commit()
    for position, reason in result.rejected:
        quarantine(
            session,
            origin=f"{origin} {path.name}",
            reason=reason,
            position=position,
            raw=raws.get(position),
        )
    return result


def import_units(
    session: Session, path: Path, *, user_id: int | None, dry_run: bool = False
) -> ImportResult:
    """Units from a sheet with columns name, kind, parent (code or a name path such as
    青岚市/东城区), code, deadline. Rows may name parents defined on earlier rows."""

    def handle(columns: _Columns, values: dict[str, Any]) -> bool:
        name = cell_text(columns.get(values, "name"))
        if not name:
            raise BadInput("单位名称为空")
        parent = _parent(session, cell_text(columns.get(values, "parent")))
        code = cell_text(columns.get(values, "code")) or None
        existing = _existing_unit(session, name, parent, code)
        deadline_raw = columns.get(values, "deadline")
        deadline = parse_deadline(deadline_raw) if cell_text(deadline_raw) else None
        if existing is not None:
            return _update_existing(existing, name, parent, deadline)
        create_unit(
            session,
            name=name,
            kind=cell_text(columns.get(values, "kind")) or "community",
            parent_id=parent.id if parent else None,
            code=code,
            deadline=deadline,
            user_id=user_id,
        )
        return True

    result = _run_rows(
        session, path, UNIT_COLUMNS, ("name", "kind"), handle, dry_run=dry_run, origin="单位导入"
    )
    if not dry_run:
        _audit_import(session, user_id, "units_imported", path, result)
    return result


def _parent(session: Session, ref: str) -> Unit | None:
    """The parent named by a division code or a name path from the top."""
    if not ref:
        return None
    by_code = session.scalar(select(Unit).where(Unit.code == ref))
    if by_code is not None:
        return by_code
    parent: Unit | None = None
    for name in (p.strip() for p in ref.replace("／", "/").replace(">", "/").split("/")):
        if not name:
            continue
        query = select(Unit).where(Unit.name == name)
        query = (
            query.where(Unit.parent_id == parent.id)
            if parent
            else query.where(Unit.parent_id.is_(None))
        )
        found = session.scalar(query)
        if found is None:
            if parent is None:  # a bare name of a unit anywhere, when it is unique
                matches = list(session.scalars(select(Unit).where(Unit.name == name).limit(2)))
                found = matches[0] if len(matches) == 1 else None
            if found is None:
                raise NotFound(f"上级单位 {ref!r} 不存在（请用区划代码或“市/区/街道”路径）")
        parent = found
    return parent


def _existing_unit(
    session: Session, name: str, parent: Unit | None, code: str | None
) -> Unit | None:
    if code:
        by_code = session.scalar(select(Unit).where(Unit.code == code))
        if by_code is not None:
            return by_code
    query = select(Unit).where(Unit.name == name)
    query = (
        query.where(Unit.parent_id == parent.id)
        if parent
        else query.where(Unit.parent_id.is_(None))
    )
    return session.scalar(query)


def _update_existing(unit: Unit, name: str, parent: Unit | None, deadline: Any) -> bool:
    if unit.name != name or unit.parent_id != (parent.id if parent else None):
        raise BadInput(f"代码 {unit.code} 已属于 {unit.name}：导入不移动或改名已有单位")
    if deadline is None or deadline == unit.report_deadline:
        return False
    unit.report_deadline = deadline
    return True


def import_tallies(
    session: Session,
    path: Path,
    *,
    reach: Reach,
    now: datetime,
    tz: ZoneInfo,
    dry_run: bool = False,
) -> ImportResult:
    """Daily values from a sheet with columns unit (code or name), day, metric (code or
    name), value, and an optional note. A changed value is a correction with history.
    An officer's sheet may hold only their own unit's rows; the others are refused."""

    def handle(columns: _Columns, values: dict[str, Any]) -> bool:
        unit = _unit_for(session, reach, cell_text(columns.get(values, "unit")))
        metric = find_metric(session, cell_text(columns.get(values, "metric")))
        day = parse_day(columns.get(values, "day"))
        value = parse_value(columns.get(values, "value"))
        note = cell_text(columns.get(values, "note")) or None
        before = current_entry(session, unit.id, metric.id, day)
        record_tally(session, reach, unit.id, metric, day, value, now=now, tz=tz, note=note)
        return before is None or before.value != value

    result = _run_rows(
        session,
        path,
        TALLY_COLUMNS,
        ("unit", "day", "metric", "value"),
        handle,
        dry_run=dry_run,
        origin="工作统计导入",
    )
    if not dry_run:
        _audit_import(session, reach.user_id, "tallies_imported", path, result)
    return result


def _unit_for(session: Session, reach: Reach, ref: str) -> Unit:
    """The row's unit: any unit for the desk, only the home unit for an officer. An
    officer's other rows are refused without saying whether that unit exists."""
    if reach.is_everywhere:
        return _unit(session, ref)
    home = session.get(Unit, reach.home_unit_id or 0)
    if home is None:
        raise Forbidden("此账号没有可报送的单位")
    if not ref:
        raise BadInput("单位为空")
    if ref not in (home.code, home.name):
        raise Forbidden(f"单位 {ref!r} 不是本单位（{home.name}）：信息员只能导入本单位的数据")
    return home


def _unit(session: Session, ref: str) -> Unit:
    if not ref:
        raise BadInput("单位为空")
    unit = session.scalar(select(Unit).where(Unit.code == ref))
    if unit is not None:
        return unit
    matches = list(session.scalars(select(Unit).where(Unit.name == ref).limit(2)))
    if len(matches) != 1:
        raise NotFound(f"单位 {ref!r} {'不存在' if not matches else '重名，请用单位代码'}")
    return matches[0]


def _audit_import(
    session: Session, user_id: int | None, action: str, path: Path, result: ImportResult
) -> None:
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type="file",
            object_id=path.name[:100],
            detail={
                "read": result.read,
                "stored": result.stored,
                "unchanged": result.unchanged,
                "rejected": len(result.rejected),
            },
        )
    )
