"""The overview's figures kept per UTC hour, so that a period's figures are a sum of
a few hundred rows instead of a scan of every item in it (see yuqing.store.figures).

``figure_changes`` is written by database triggers whenever an item, a place it
mentions, a rule hit or a claim match changes in a way the figures count; the
analysis run recounts those hours into ``hour_figures`` and clears their changes.
A reader counts an hour that still has changes from the items themselves, so the
figures are right before the recount, only slower."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.store.models.base import Base


class HourFigure(Base):
    """Items in one UTC hour counted under one key of one kind of figure."""

    __tablename__ = "hour_figures"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # see FIGURE_KINDS
    hour: Mapped[str] = mapped_column(String(13), primary_key=True)  # 'YYYY-MM-DD HH' UTC
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    local: Mapped[int] = mapped_column(Integer, default=0)  # of those, about our area
    label: Mapped[str | None] = mapped_column(String(100))  # a place's name as items gave it


class FigureChange(Base):
    """An hour whose figures changed since they were last counted (written by triggers)."""

    __tablename__ = "figure_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hour: Mapped[str] = mapped_column(String(13), index=True)
