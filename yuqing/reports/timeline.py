"""The 发展脉络 of a special report: the event's distinct key posts in time order.

The nodes are the first appearance, the first post on each further source (the story
spreading to another platform), the posts that set off a surge (an hour with at least
twice the items of the hour before and a few items at least), the post at the peak
hour, the responses (public outlets' posts and published clarifications) and the
latest post. Copies count, since a copy on a new platform is how a story spreads, but
each story's text is printed once: a later row of the same story says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from yuqing.reports.scan import in_window
from yuqing.reports.stories import EXCERPT, REPOST_MARK, story_key, story_text
from yuqing.reports.windows import Window
from yuqing.store.models import Item, Source

SURGE_FACTOR = 2
SURGE_MIN = 3  # items in an hour before it counts as a surge
MAX_SURGES = 3
MAX_RESPONSES = 3
MAX_NODES = 9
MAX_SPREAD = 4
POOL = 5000  # event items read, earliest first


@dataclass(frozen=True)
class Post:
    id: int
    at: datetime
    heat: float
    text: str
    key: str
    source: str
    outlet: bool


@dataclass(frozen=True)
class Node:
    post: Post
    kind: str  # 首次出现, 扩散, 传播加速, 传播高峰, 官方回应, 发布辟谣, 最新进展
    text: str = ""  # what the row prints (the story once, then a reference to it)


@dataclass(frozen=True)
class Response:
    """A published clarification of a claim the event's items carry."""

    at: datetime
    authority: str
    text: str


def _posts(session: Session, window: Window, *where: ColumnElement[bool]) -> list[Post]:
    rows = session.execute(
        select(Item, Source.name, Source.is_public_outlet)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(*in_window(window), *where)
        .order_by(Item.published_at, Item.id)
        .limit(POOL)
    ).all()
    return [
        Post(
            id=item.id,
            at=item.published_at.astimezone(UTC),
            heat=item.heat,
            text=_text(item),
            key=story_key(item.text_norm) or f"#{item.id}",
            source=name or "",
            outlet=bool(outlet) or item.author_is_outlet,
        )
        for item, name, outlet in rows
    ]


def _text(item: Item) -> str:
    if item.title and item.title.strip() and not REPOST_MARK.search(item.title):
        return item.title.strip()
    text = story_text(item.text_original) or item.text_original.strip()
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "……"


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _hottest(posts: list[Post], hour: datetime) -> Post | None:
    inside = [p for p in posts if _hour(p.at) == hour]
    return max(inside, key=lambda p: (p.heat, -p.id)) if inside else None


def _candidates(posts: list[Post]) -> list[Node]:
    """Every node the rules name, most telling first (first, peak, surges, responses)."""
    per_hour = Counter(_hour(p.at) for p in posts)
    nodes = [Node(posts[0], "首次出现")]
    sources = {posts[0].source}
    for post in posts[1:]:
        if post.source and post.source not in sources and len(sources) <= MAX_SPREAD:
            sources.add(post.source)
            nodes.append(Node(post, f"扩散至{post.source}"))
    peak_hour = max(per_hour, key=lambda h: (per_hour[h], -h.timestamp()))
    peak = _hottest(posts, peak_hour)
    if peak is not None:
        nodes.append(Node(peak, "传播高峰"))
    surges = [
        h
        for h in sorted(per_hour)
        if per_hour[h] >= SURGE_MIN
        and per_hour[h] >= SURGE_FACTOR * per_hour[h - timedelta(hours=1)]
    ]
    for hour in sorted(surges, key=lambda h: -per_hour[h])[:MAX_SURGES]:
        surge = _hottest(posts, hour)
        if surge is not None:
            nodes.append(Node(surge, "传播加速"))
    nodes += [Node(p, "官方回应") for p in posts if p.outlet][:MAX_RESPONSES]
    nodes.append(Node(posts[-1], "最新进展"))
    return nodes


def timeline(
    session: Session,
    window: Window,
    *where: ColumnElement[bool],
    responses: tuple[Response, ...] = (),
) -> list[Node]:
    """The event's key posts and responses in time order, each item once."""
    posts = _posts(session, window, *where)
    if not posts:
        return []
    chosen: list[Node] = []
    seen: set[int] = set()
    for node in _candidates(posts):
        if node.post.id in seen or len(chosen) >= MAX_NODES:
            continue
        seen.add(node.post.id)
        chosen.append(node)
    for r in responses:
        post = Post(0, r.at.astimezone(UTC), 0.0, r.text, f"@{r.text}", r.authority, True)
        chosen.append(Node(post, "发布辟谣"))
    return _worded(sorted(chosen, key=lambda n: (n.post.at, n.post.id)))


def _worded(nodes: list[Node]) -> list[Node]:
    """Each story's text on its first row; later rows of it point back instead."""
    printed: set[str] = set()
    out = []
    for node in nodes:
        post = node.post
        if post.key in printed:
            short = post.text[:16] + ("……" if len(post.text) > 16 else "")
            text = f"同一内容（“{short}”）"
        else:
            printed.add(post.key)
            text = post.text
        out.append(Node(post, node.kind, text))
    return out
