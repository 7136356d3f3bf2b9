"""Manual entry: an analyst pastes a link and the text of something seen in public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.ingest import SourceInfo, prepare_row, web_link
from yuqing.collect.records import RawItem
from yuqing.errors import BadInput
from yuqing.store.items import insert_new_items
from yuqing.store.models import AuditEntry, Item, Source, SourceKind
from yuqing.store.types import utcnow

MANUAL_SOURCE = "人工录入"


def manual_source(session: Session) -> Source:
    source = session.scalar(select(Source).where(Source.name == MANUAL_SOURCE))
    if source is None:
        source = Source(name=MANUAL_SOURCE, kind=SourceKind.MANUAL.value, interval_seconds=86400)
        session.add(source)
        session.flush()
    return source


def add_manual_item(
    session: Session,
    *,
    text: str,
    secret: str,
    user_id: int | None,
    url: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published_at: datetime | None = None,
) -> tuple[int, bool]:
    """Store one pasted item; returns (item id, whether it was new). The same link or
    text pasted twice gives the stored item back instead of a copy. Only an http(s)
    link is stored as one: ``javascript:`` or ``data:`` is refused (BadInput)."""
    if url and web_link(url) is None:
        raise BadInput(f"链接只能是 http:// 或 https:// 开头的网址，不能是 {url[:80]!r}")
    info = SourceInfo.of(manual_source(session))
    record = RawItem(
        body=text,
        title=title,
        url=url or None,
        author=author,
        published_at=published_at,
        origin="manual entry",
    )
    row = prepare_row(record, info, secret, utcnow())
    inserted = insert_new_items(session, [row])
    item_id = inserted.get(row["ingest_key"])
    created = item_id is not None
    if item_id is None:
        item_id = session.scalar(select(Item.id).where(Item.ingest_key == row["ingest_key"]))
        assert item_id is not None
    session.add(
        AuditEntry(
            user_id=user_id,
            action="item_entered" if created else "item_entered_again",
            object_type="item",
            object_id=str(item_id),
        )
    )
    return item_id, created
