"""What the network pages and API share: the user's reach, dates from the query."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, Forbidden
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
