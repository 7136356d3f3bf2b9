"""Key items as stories: the hottest posts of a window with their copies folded.

Ingest folds exact and near copies into an original (``duplicate_of_id``), but a
repost that adds a comment ("好消息//@青岚发布:【…】"), the same text in traditional
script or a copy that ingest did not catch stays an original of its own. A report
lists one line per story: the items whose reposted text, in the matching form
(``text_norm``: simplified script, NFKC, lower case), opens the same way are one story;
its line is the hottest of them, with the copies and reposts of them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from yuqing.reports.scan import in_window
from yuqing.reports.windows import Window
from yuqing.store.models import Item, Source

# "comment//@name:reposted text": the story is the text after the last repost mark.
REPOST_MARK = re.compile(r"//@[^:：\s]{1,40}[:：]")
LEADING_REPOST = re.compile(r"^\s*(转发|转)\s*[:：]?\s*")
NOT_WORD = re.compile(r"[^\w]+")
STORY_KEY_CHARS = 24
POOL = 200  # hottest originals read to find the top stories
EXCERPT = 90


@dataclass(frozen=True)
class StoryLine:
    id: int  # the item printed for the story
    text: str  # its title, or else the opening of the story's text
    source: str
    author: str
    published_at: datetime
    heat: float
    items: int  # items of the story in the window (originals found here)
    copies: int  # copies folded into them (at ingest and here)
    reposts: int  # reposts the platforms counted
    outlet: bool  # from a public outlet (official or media account)


def story_text(text: str) -> str:
    """The reposted text of a post, without its repost chain."""
    parts = REPOST_MARK.split(text)
    body = parts[-1] if parts[-1].strip() else text
    return LEADING_REPOST.sub("", body).strip()


def story_key(text_norm: str) -> str:
    """What copies of one story share: the opening of the reposted text, letters only."""
    return NOT_WORD.sub("", story_text(text_norm))[:STORY_KEY_CHARS]


def _shown(item: Item) -> str:
    """Printed once: the title when the item has one, else the opening of its story."""
    if item.title and item.title.strip() and not REPOST_MARK.search(item.title):
        return item.title.strip()
    text = story_text(item.text_original) or item.text_original.strip()
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "……"


def key_stories(
    session: Session, window: Window, *where: ColumnElement[bool], limit: int = 5
) -> list[StoryLine]:
    """The hottest stories of the window, one line each, hottest first."""
    rows = session.execute(
        select(Item, Source.name, Source.is_public_outlet)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(*in_window(window), Item.duplicate_of_id.is_(None), *where)
        .order_by(Item.heat.desc(), Item.id)
        .limit(POOL)
    ).all()
    groups: dict[str, list[tuple[Item, str, bool]]] = {}
    for item, source, outlet in rows:
        key = story_key(item.text_norm) or f"#{item.id}"
        groups.setdefault(key, []).append((item, source or "", bool(outlet)))
    lines = [_line(members) for members in groups.values()]
    lines.sort(key=lambda line: (-line.heat, line.id))
    return lines[:limit]


def _line(members: list[tuple[Item, str, bool]]) -> StoryLine:
    head, source, outlet = members[0]  # the hottest: rows come hottest first
    return StoryLine(
        id=head.id,
        text=_shown(head),
        source=source,
        author=head.author or "",
        published_at=min(m[0].published_at for m in members),
        heat=round(head.heat, 1),
        items=len(members),
        copies=sum(m[0].copy_count for m in members) + len(members) - 1,
        reposts=sum(int(m[0].reposts or 0) for m in members),
        outlet=outlet or head.author_is_outlet,
    )
