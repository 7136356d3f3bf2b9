"""Triage (研判): statuses, severity, the who-is-working lock, tags, notes, bulk actions,
for items and for events alike (``kind``).

The lock is a conditional UPDATE that only succeeds while the record is free, already
held by the same analyst, or its lock has expired; the row count says who won, so
two analysts racing for one item or event never both get it, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

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
from yuqing.text.typed import typed

LOCK_MINUTES = 15
MAX_TAG = 30
MAX_NOTE = 4000
STATUSES = {str(k): v for k, v in ITEM_STATUS_LABELS.items()}
SEVERITIES = {str(k): v for k, v in SEVERITY_LABELS.items()}
Kind = Literal["item", "event"]
NOUNS: dict[str, str] = {"item": "条目", "event": "事件"}


def _model(kind: Kind) -> type[Item] | type[Event]:
    if kind not in NOUNS:
        raise BadInput(f"未知的研判对象：{kind}")
    return Event if kind == "event" else Item


@dataclass(frozen=True)
class Lock:
    item_id: int  # the item's or the event's id
    user_id: int
    until: datetime


def take_lock(
    session: Session,
    item_id: int,
    user_id: int,
    now: datetime | None = None,
    *,
    kind: Kind = "item",
) -> Lock:
    """Hold the item (or event) for ``user_id`` for LOCK_MINUTES (renews one's own lock)."""
    model = _model(kind)
    now = now or utcnow()
    until = now + timedelta(minutes=LOCK_MINUTES)
    result = session.execute(
        update(model)
        .where(
            model.id == item_id,
            or_(
                model.locked_by_id.is_(None),
                model.locked_by_id == user_id,
                model.locked_until.is_(None),
                model.locked_until <= now,
            ),
        )
        .values(locked_by_id=user_id, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_held_message(session, item_id, kind))
    session.expire_all()
    audit(session, user_id, f"{kind}.lock", kind, item_id, until=until.isoformat())
    return Lock(item_id, user_id, until)


def _held_message(session: Session, item_id: int, kind: Kind) -> str:
    model = _model(kind)
    if session.get(model, item_id) is None:
        raise NotFound(f"{NOUNS[kind]} {item_id} 不存在")
    holder = session.scalar(
        select(User.display_name)
        .join(model, User.id == model.locked_by_id)
        .where(model.id == item_id)
    )
    return (
        f"{NOUNS[kind]} {item_id} 正由 {holder or '其他人'} 研判，请稍后再试或选择其他{NOUNS[kind]}"
    )


def release_lock(session: Session, item_id: int, user_id: int, *, kind: Kind = "item") -> bool:
    """Give the item (or event) back; only its holder can."""
    model = _model(kind)
    result = session.execute(
        update(model)
        .where(model.id == item_id, model.locked_by_id == user_id)
        .values(locked_by_id=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    released = bool(result.rowcount)  # type: ignore[attr-defined]
    if released:
        audit(session, user_id, f"{kind}.unlock", kind, item_id)
    return released


def lock_holder(session: Session, record: Item | Event, now: datetime | None = None) -> User | None:
    """Who holds a live lock on the record, if anyone."""
    until, holder = record.locked_until, record.locked_by_id
    if holder is None or until is None or until <= (now or utcnow()):
        return None
    return session.get(User, holder)


def _editable(
    session: Session, item_id: int, user_id: int, now: datetime, kind: Kind
) -> Item | Event:
    """The item (or event), provided nobody else holds a live lock on it."""
    record: Item | Event | None = (
        session.get(Event, item_id) if kind == "event" else session.get(Item, item_id)
    )
    if record is None:
        raise NotFound(f"{NOUNS[kind]} {item_id} 不存在")
    held = record.locked_by_id not in (None, user_id)
    if held and record.locked_until is not None and record.locked_until > now:
        raise Conflict(_held_message(session, item_id, kind))
    return record


def set_status(
    session: Session, item_ids: Iterable[int], status: str, user_id: int, *, kind: Kind = "item"
) -> int:
    if status not in STATUSES:
        raise BadInput(f"未知的研判状态：{status}")
    return _change(session, item_ids, user_id, kind, "status", status=status)


def set_severity(
    session: Session, item_ids: Iterable[int], severity: str, user_id: int, *, kind: Kind = "item"
) -> int:
    if severity and severity not in SEVERITIES:
        raise BadInput(f"未知的严重程度：{severity}")
    return _change(session, item_ids, user_id, kind, "severity", severity=severity or None)


def assign(session: Session, item_ids: Iterable[int], assignee: int | None, user_id: int) -> int:
    if assignee is not None and session.get(User, assignee) is None:
        raise BadInput(f"用户 {assignee} 不存在，无法分派")
    return _change(session, item_ids, user_id, "item", "assign", assignee_id=assignee)


def _change(
    session: Session, item_ids: Iterable[int], user_id: int, kind: Kind, what: str, **values: object
) -> int:
    """Set ``values`` on each record nobody else holds; audit each one that changed."""
    now = utcnow()
    changed = 0
    for item_id in _ids(item_ids, kind):
        record = _editable(session, item_id, user_id, now, kind)
        before = {key: getattr(record, key) for key in values}
        if before == values:
            continue
        for key, value in values.items():
            setattr(record, key, value)
        audit(session, user_id, f"{kind}.{what}", kind, item_id, before=before, after=values)
        changed += 1
    return changed


def tag(
    session: Session, item_ids: Iterable[int], label: str, user_id: int, *, remove: bool = False
) -> int:
    """Add (or remove) one tag on each item."""
    label = " ".join(typed(label).split())
    if not label or len(label) > MAX_TAG:
        raise BadInput(f"标签应为 1–{MAX_TAG} 个字：{label!r}")
    now = utcnow()
    changed = 0
    for item_id in _ids(item_ids, "item"):
        item = _editable(session, item_id, user_id, now, "item")
        assert isinstance(item, Item)
        tags = list(item.tags or [])
        if (label in tags) != remove:
            continue
        item.tags = [t for t in tags if t != label] if remove else [*tags, label]
        audit(session, user_id, "item.untag" if remove else "item.tag", "item", item_id, tag=label)
        changed += 1
    return changed


def add_note(
    session: Session, item_id: int, body: str, user_id: int, *, kind: Kind = "item"
) -> TriageNote:
    body = typed(body)
    if not body or len(body) > MAX_NOTE:
        raise BadInput(f"{NOUNS.get(kind, kind)} {item_id} 的备注应为 1–{MAX_NOTE} 个字")
    _editable(session, item_id, user_id, utcnow(), kind)
    owner = {"event_id": item_id} if kind == "event" else {"item_id": item_id}
    note = TriageNote(author_id=user_id, body=body, **owner)
    session.add(note)
    session.flush()
    audit(session, user_id, f"{kind}.note", kind, item_id, note_id=note.id)
    return note


def notes(
    session: Session, item_id: int, *, kind: Kind = "item"
) -> Sequence[tuple[TriageNote, str]]:
    owner = TriageNote.event_id if kind == "event" else TriageNote.item_id
    return session.execute(
        select(TriageNote, User.display_name)
        .outerjoin(User, User.id == TriageNote.author_id)
        .where(owner == item_id)
        .order_by(TriageNote.created_at, TriageNote.id)
    ).all()


def _ids(item_ids: Iterable[int], kind: Kind) -> list[int]:
    ids = sorted(set(item_ids))
    if not ids:
        raise BadInput("请至少选择一个事件" if kind == "event" else "请至少选择一条信息")
    return ids
