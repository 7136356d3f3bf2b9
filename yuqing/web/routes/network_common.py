"""What the network pages and API share: the user's reach, dates from the query."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import Depends, UploadFile
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Forbidden
from yuqing.network.imports import ImportResult
from yuqing.network.scope import Reach, officer_reach
from yuqing.store.models import Role
from yuqing.store.types import utcnow
from yuqing.web.security import Principal, allow

# Desk roles and officers; each sees what its reach allows.
NETWORK_USERS = allow(Role.ANALYST, Role.EDITOR, Role.SIGNER, Role.OFFICER)
OFFICERS = allow(Role.OFFICER)
NetworkUser = Annotated[Principal, Depends(NETWORK_USERS)]
Officer = Annotated[Principal, Depends(OFFICERS)]
MAX_WINDOW_DAYS = 366
MAX_SHEET_BYTES = 20 * 1024 * 1024


def reach_of(session: Session, user: Principal) -> Reach:
    """The desk (and admins) see the whole network; officers their unit's subtree."""
    if user.has(Role.ANALYST, Role.EDITOR, Role.SIGNER):
        return Reach.everywhere(user.user_id)
    units = [unit for role, unit in user.grants if role is Role.OFFICER and unit is not None]
    if user.unit_id in units:  # the home unit first: it is the one they file for
        units.remove(user.unit_id)
        units.insert(0, user.unit_id)
    return officer_reach(session, user.user_id, units)


def officer_reach_of(session: Session, user: Principal) -> Reach:
    """An officer's reach, for pages where they act for their own unit."""
    units = [unit for role, unit in user.grants if role is Role.OFFICER and unit is not None]
    if not units:
        raise Forbidden("此账号不是某个单位的信息员")
    if user.unit_id in units:
        units.remove(user.unit_id)
        units.insert(0, user.unit_id)
    return officer_reach(session, user.user_id, units)


async def imported_sheet(sheet: UploadFile, run: Callable[[Path], ImportResult]) -> ImportResult:
    """Save an uploaded CSV/XLSX where the importer can read it, run it, clean up."""
    name = Path(sheet.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BadInput(f"文件 {name or '（未命名）'} 应为 .csv 或 .xlsx")
    data = await sheet.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        raise BadInput(f"文件 {name} 超过 20 MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return run(path)


def window(start: date | None, end: date | None, today: date, days: int = 7) -> tuple[date, date]:
    """start..end from the query, by default the ``days`` days ending today."""
    end = end or today
    start = start or end - timedelta(days=days - 1)
    if start > end:
        raise BadInput(f"开始日期 {start} 晚于结束日期 {end}")
    if (end - start).days >= MAX_WINDOW_DAYS:
        raise BadInput(f"时间范围最长 {MAX_WINDOW_DAYS} 天")
    return start, end


def now() -> datetime:
    return utcnow()
