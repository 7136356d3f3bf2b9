"""What an event's page adds for the analyst: a timeline of its key posts (the first,
the hottest, the outlets'), and the fact-check entries its posts match (辟谣)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from yuqing.store.models import VERDICT_LABELS, Claim, ClaimMatch, Item, Source

HOTTEST = 6
OUTLETS = 3
VERDICTS = {str(k): v for k, v in VERDICT_LABELS.items()}


@dataclass(frozen=True)
class KeyPost:
    item_id: int
    at: datetime
    heading: str
    source: str
    why: str  # 首发 / 热度最高 / 媒体报道


@dataclass(frozen=True)
class EventClaim:
    claim_id: int
    text: str
    verdict: str
    published: bool
    items: int  # the event's posts matching it


def key_posts(session: Session, event_id: int) -> list[KeyPost]:
    """The event's first post, its hottest and its first outlet reports, by time."""
    base = (
        select(Item, Source.name, Source.is_public_outlet)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(Item.event_id == event_id, Item.duplicate_of_id.is_(None))
    )
    chosen: dict[int, tuple[Item, str, str]] = {}
    first = session.execute(base.order_by(Item.published_at, Item.id).limit(1)).first()
    if first is not None:
        chosen[first[0].id] = (first[0], first[1] or "人工录入", "首发")
    outlet_rows = session.execute(
        base.where(Source.is_public_outlet.is_(True)).order_by(Item.published_at).limit(OUTLETS)
    ).all()
    for item, name, _ in outlet_rows:
        chosen.setdefault(item.id, (item, name or "", "媒体报道"))
    for item, name, _ in session.execute(
        base.order_by(Item.heat.desc(), Item.id).limit(HOTTEST)
    ).all():
        chosen.setdefault(item.id, (item, name or "人工录入", "热度较高"))
    posts = [
        KeyPost(i.id, i.published_at, _heading(i), name, why) for i, name, why in chosen.values()
    ]
    return sorted(posts, key=lambda p: (p.at, p.item_id))


def _heading(item: Item) -> str:
    text = item.title or " ".join(item.text_original.split())
    return text[:50] + ("…" if len(text) > 50 else "")


def event_claims(session: Session, event_id: int) -> list[EventClaim]:
    """Fact-check entries the event's posts match, most matched first: a post's best
    candidate or one an analyst confirmed. A post's second and third candidates are
    weak (scores near 0 in the demo) and would tie a rumour event to unrelated
    entries, an official case count to 今晚全市封城."""
    matched = func.count(func.distinct(ClaimMatch.item_id)).label("matched")
    rows = session.execute(
        select(Claim.id, Claim.text, Claim.verdict, Claim.published, matched)
        .join(ClaimMatch, ClaimMatch.claim_id == Claim.id)
        .join(Item, Item.id == ClaimMatch.item_id)
        .where(
            Item.event_id == event_id,
            or_(
                ClaimMatch.status == "confirmed",
                and_(ClaimMatch.rank == 1, ClaimMatch.status != "rejected"),
            ),
        )
        .group_by(Claim.id, Claim.text, Claim.verdict, Claim.published)
        .order_by(matched.desc(), Claim.id)
    ).all()
    return [
        EventClaim(i, text, VERDICTS.get(v, v), bool(published), int(n))
        for i, text, v, published, n in rows
    ]
