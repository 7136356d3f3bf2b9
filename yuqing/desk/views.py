"""Saved views: a person's named filters of the triage queue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.desk.audit import audit
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import SavedView

MAX_NAME = 100


def save_view(session: Session, user_id: int, name: str, query: str) -> SavedView:
    """Keep ``query`` under ``name``; a name is unique per person."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise BadInput(f"视图名称应为 1–{MAX_NAME} 个字：{name!r}")
    taken = session.scalar(
        select(SavedView.id).where(SavedView.user_id == user_id, SavedView.name == name)
    )
    if taken is not None:
        raise Conflict(f"已有名为“{name}”的视图")
    view = SavedView(user_id=user_id, name=name, query=query.lstrip("?"))
    session.add(view)
    session.flush()
    audit(session, user_id, "view.save", "saved_view", view.id, name=name, query=view.query)
    return view


def my_views(session: Session, user_id: int) -> Sequence[SavedView]:
    return session.scalars(
        select(SavedView).where(SavedView.user_id == user_id).order_by(SavedView.name)
    ).all()


def delete_view(session: Session, user_id: int, view_id: int) -> None:
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user_id:
        raise NotFound(f"视图 {view_id} 不存在")
    session.delete(view)
    audit(session, user_id, "view.delete", "saved_view", view_id, name=view.name)
