"""Triage (研判): item statuses, severity, the who-is-working lock, tags, notes, bulk actions.

The lock is a conditional UPDATE that only succeeds while the item is free, already
held by the same analyst, or its lock has expired; the row count says who won, so
two analysts racing for one item never both get it, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from yuqing.desk.audit import audit
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import (
    ITEM_STATUS_LABELS,
    SEVERITY_LABELS,
    Event,
    Item,
    TriageNote,
    User,
)
from yuqing.store.types import utcnow

LOCK_MINUTES = 15
MAX_TAG = 30
MAX_NOTE = 4000
STATUSES = {str(k): v for k, v in ITEM_STATUS_LABELS.items()}
SEVERITIES = {str(k): v for k, v in SEVERITY_LABELS.items()}


@dataclass(frozen=True)
class Lock:
    item_id: int
    user_id: int
    until: datetime


def take_lock(session: Session, item_id: int, user_id: int, now: datetime | None = None) -> Lock:
    """Hold the item for ``user_id`` for LOCK_MINUTES (renews one's own lock)."""
    now = now or utcnow()
    until = now + timedelta(minutes=LOCK_MINUTES)
    result = session.execute(
        update(Item)
        .where(
            Item.id == item_id,
            or_(
                Item.locked_by_id.is_(None),
                Item.locked_by_id == user_id,
                Item.locked_until.is_(None),
                Item.locked_until <= now,
            ),
        )
        .values(locked_by_id=user_id, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_held_message(session, item_id))
    session.expire_all()
    return Lock(item_id, user_id, until)


def _held_message(session: Session, item_id: int) -> str:
    row = session.execute(
        select(User.display_name, Item.locked_until)
        .join(User, User.id == Item.locked_by_id)
        .where(Item.id == item_id)
    ).first()
    if session.get(Item, item_id) is None:
        raise NotFound(f"条目 {item_id} 不存在")
    holder = row[0] if row else "其他人"
    return f"条目 {item_id} 正由 {holder} 研判，请稍后再试或选择其他条目"


def release_lock(session: Session, item_id: int, user_id: int) -> bool:
    """Give the item back; only its holder can."""
    result = session.execute(
        update(Item)
        .where(Item.id == item_id, Item.locked_by_id == user_id)
        .values(locked_by_id=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _editable(session: Session, item_id: int, user_id: int, now: datetime) -> Item:
    """The item, provided nobody else holds a live lock on it."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"条目 {item_id} 不存在")
    held = item.locked_by_id not in (None, user_id)
    if held and item.locked_until is not None and item.locked_until > now:
        raise Conflict(_held_message(session, item_id))
    return item


def set_status(session: Session, item_ids: Iterable[int], status: str, user_id: int) -> int:
    if status not in STATUSES:
        raise BadInput(f"未知的研判状态：{status}")
    return _change(session, item_ids, user_id, "item.status", status=status)


def set_severity(session: Session, item_ids: Iterable[int], severity: str, user_id: int) -> int:
    if severity and severity not in SEVERITIES:
        raise BadInput(f"未知的严重程度：{severity}")
    return _change(session, item_ids, user_id, "item.severity", severity=severity or None)


def assign(session: Session, item_ids: Iterable[int], assignee: int | None, user_id: int) -> int:
    if assignee is not None and session.get(User, assignee) is None:
        raise BadInput(f"用户 {assignee} 不存在，无法分派")
    return _change(session, item_ids, user_id, "item.assign", assignee_id=assignee)


def _change(
    session: Session, item_ids: Iterable[int], user_id: int, action: str, **values: object
) -> int:
    now = utcnow()
    changed = 0
    for item_id in _ids(item_ids):
        item = _editable(session, item_id, user_id, now)
        before = {key: getattr(item, key) for key in values}
        if before == values:
            continue
        for key, value in values.items():
            setattr(item, key, value)
        audit(session, user_id, action, "item", item_id, before=before, after=values)
        changed += 1
    return changed


def tag(
    session: Session, item_ids: Iterable[int], label: str, user_id: int, *, remove: bool = False
) -> int:
    """Add (or remove) one tag on each item."""
    label = " ".join(label.split())
    if not label or len(label) > MAX_TAG:
        raise BadInput(f"标签应为 1–{MAX_TAG} 个字：{label!r}")
    now = utcnow()
    changed = 0
    for item_id in _ids(item_ids):
        item = _editable(session, item_id, user_id, now)
        tags = list(item.tags or [])
        if (label in tags) != remove:
            continue
        item.tags = [t for t in tags if t != label] if remove else [*tags, label]
        audit(session, user_id, "item.untag" if remove else "item.tag", "item", item_id, tag=label)
        changed += 1
    return changed


def add_note(session: Session, item_id: int, body: str, user_id: int) -> TriageNote:
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise BadInput(f"条目 {item_id} 的备注应为 1–{MAX_NOTE} 个字")
    _editable(session, item_id, user_id, utcnow())
    note = TriageNote(item_id=item_id, author_id=user_id, body=body)
    session.add(note)
    session.flush()
    audit(session, user_id, "item.note", "item", item_id, note_id=note.id)
    return note


def notes(session: Session, item_id: int) -> Sequence[tuple[TriageNote, str]]:
    return session.execute(
        select(TriageNote, User.display_name)
        .outerjoin(User, User.id == TriageNote.author_id)
        .where(TriageNote.item_id == item_id)
        .order_by(TriageNote.created_at, TriageNote.id)
    ).all()


def set_event_triage(
    session: Session, event_id: int, user_id: int, *, status: str, severity: str
) -> None:
    """Events carry the same status and severity as items."""
    if status not in STATUSES or (severity and severity not in SEVERITIES):
        raise BadInput(f"事件 {event_id} 的状态或严重程度无效：{status} / {severity}")
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    before = {"status": event.status, "severity": event.severity}
    event.status, event.severity = status, severity or None
    audit(
        session,
        user_id,
        "event.triage",
        "event",
        event_id,
        before=before,
        after={"status": status, "severity": severity or None},
    )


def _ids(item_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(item_ids))
    if not ids:
        raise BadInput("请至少选择一条信息")
    return ids
