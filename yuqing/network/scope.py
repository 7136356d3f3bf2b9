"""Who may see and change which units' records.

The desk sees the whole network. An officer sees the subtree of the unit their
officer role is scoped to (a district officer reads its towns' reports, so that
they can follow up) but files, corrects and acknowledges only for their own unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from yuqing.errors import Forbidden, NotFound
from yuqing.store.models import Unit


@dataclass(frozen=True)
class Reach:
    """The units one user may read (``paths``; None = all) and the one they act for."""

    user_id: int | None
    home_unit_id: int | None
    paths: tuple[str, ...] | None

    @classmethod
    def everywhere(cls, user_id: int | None = None) -> Reach:
        """The desk, an admin or the system itself."""
        return cls(user_id, None, None)

    @property
    def is_everywhere(self) -> bool:
        return self.paths is None

    def sees(self, path: str) -> bool:
        return self.paths is None or any(path.startswith(p) for p in self.paths)

    def unit_filter(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Unit.path`` keeping only the units this user may read."""
        if self.paths is None:
            return true()
        if not self.paths:
            return false()
        return or_(*(Unit.path.startswith(p, autoescape=True) for p in self.paths))

    def require_read(self, session: Session, unit_id: int) -> Unit:
        unit = session.get(Unit, unit_id)
        if unit is None or not self.sees(unit.path):
            # Another unit's record reads as absent rather than confirming it exists.
            raise NotFound(f"单位 {unit_id} 不存在或不在您的范围内")
        return unit

    def require_act(self, session: Session, unit_id: int) -> Unit:
        """The unit, if this user may file or change records for it."""
        unit = self.require_read(session, unit_id)
        if not self.is_everywhere and unit.id != self.home_unit_id:
            raise Forbidden(f"只能为本单位报送或修改：{unit.name} 不是您的单位")
        return unit


def officer_reach(session: Session, user_id: int, unit_ids: list[int]) -> Reach:
    """An officer's reach: the subtrees of the units their officer roles name."""
    paths = tuple(session.scalars(select(Unit.path).where(Unit.id.in_(unit_ids))))
    home = unit_ids[0] if unit_ids else None
    return Reach(user_id, home, paths)
