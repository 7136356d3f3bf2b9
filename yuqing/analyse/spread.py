"""How an event spread (传播分析): first appearance, hour curve, repost cascades, outlets,
turning points.

Everything here works on plain ``SpreadPost`` records, so the page, the API and the
reports can share it and tests need no database. Individuals are never listed:
cascade branches are identified by their position and their public comment, and the
only accounts named are registered public outlets (``outlet``); everything else is a
count (the line in DEVELOPERS.md).

Cascades come from two kinds of evidence:

* Weibo repost chains in the text (``评论//@甲:转发语//@乙:原文``): each hop is one
  level, so a chain of two hops hangs two levels below the original;
* copy links found by duplicate folding (``duplicate_of``): a copy is one level below
  the post it copies.

A turning point is an hour whose volume jumps: at least ``TURN_MIN`` posts and at
least ``TURN_RATIO`` times the mean of the ``TURN_WINDOW`` hours before it (quiet
hours count as zero), so the first burst of a new story counts too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from yuqing.analyse.dedupe import repost_chain

TURN_MIN = 5
TURN_RATIO = 2.5
TURN_WINDOW = 6
HOURLY_SPAN = 96  # a longer event is drawn by day: 96+ hourly points read as noise
TOP_BRANCHES = 5
TOP_OUTLETS = 10
SNIPPET = 60


@dataclass(frozen=True)
class SpreadPost:
    """What spread analysis needs of one item."""

    id: int
    published_at: datetime  # aware, UTC
    text: str  # the stored (redacted) text
    channel: str  # where it appeared: a platform or source kind label
    source: str  # the source's name
    outlet: str | None = None  # the registered public outlet that posted it, if any
    duplicate_of: int | None = None
    reach: int = 0  # reposts + comments + likes as the platform counted them
    author: str | None = None  # the stored pseudonym (or outlet name); never shown


@dataclass(frozen=True)
class Branch:
    """One top-level branch of the cascade: the reposts hanging below one first-level
    repost, named by its public comment (never its account)."""

    rank: int
    size: int  # accounts in the branch, its head included
    depth: int  # the deepest level it reaches below the original
    first_at: datetime
    comment: str
    outlet: str | None  # when the head account is a registered public outlet


@dataclass(frozen=True)
class Cascade:
    posts: int  # posts taking part (originals, reposts and copies)
    origins: int  # accounts at the top of the tree (an original's author, or named as one)
    reposts: int  # posts that are repost chains
    copies: int  # posts folded as copies of another
    depth: int  # the most levels below an original
    breadth: int  # the most accounts on one level
    levels: tuple[int, ...]  # accounts per level (collected or named in a chain), level 1 first
    branches: tuple[Branch, ...]  # the largest first


@dataclass(frozen=True)
class TurningPoint:
    hour: datetime
    count: int
    baseline: float  # mean of the hours before
    post_id: int  # the first post of that hour
    snippet: str
    source: str


@dataclass(frozen=True)
class OutletReach:
    outlet: str
    posts: int
    reach: int
    first_at: datetime


@dataclass(frozen=True)
class ChannelCurve:
    hours: tuple[datetime, ...]  # the start of each bucket
    step_hours: int  # 1, or 24 when the event spans more than HOURLY_SPAN hours
    channels: tuple[str, ...]  # the largest first
    counts: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def busy_hours(self) -> list[tuple[datetime, list[int]]]:
        """The hours with posts, each with its counts in channel order."""
        rows = []
        for i, hour in enumerate(self.hours):
            row = [self.counts[c][i] for c in self.channels]
            if any(row):
                rows.append((hour, row))
        return rows


@dataclass(frozen=True)
class Spread:
    total: int
    first: SpreadPost | None
    curve: ChannelCurve
    cascade: Cascade
    outlets: tuple[OutletReach, ...]
    turning_points: tuple[TurningPoint, ...]
    channels: tuple[tuple[str, int], ...]  # (channel, posts), the largest first
    sources: tuple[tuple[str, int], ...]  # (source, posts), the largest first


def analyse_spread(posts: Sequence[SpreadPost], account_key: AccountKey | None = None) -> Spread:
    ordered = sorted(posts, key=lambda p: (p.published_at, p.id))
    curve = channel_curve(ordered)
    return Spread(
        total=len(ordered),
        first=ordered[0] if ordered else None,
        curve=curve,
        cascade=cascade(ordered, account_key or _plain_key),
        outlets=outlet_reach(ordered),
        turning_points=turning_points(ordered),
        channels=tuple(Counter(p.channel for p in ordered).most_common()),
        sources=tuple(Counter(p.source for p in ordered).most_common()),
    )


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def channel_curve(posts: Sequence[SpreadPost]) -> ChannelCurve:
    """Posts per hour and channel, every hour from the first to the last present."""
    if not posts:
        return ChannelCurve((), 1, (), {})
    first, last = hour_of(posts[0].published_at), hour_of(posts[-1].published_at)
    step = 1 if (last - first) <= timedelta(hours=HOURLY_SPAN) else 24
    per: dict[str, Counter[datetime]] = defaultdict(Counter)
    for post in posts:
        per[post.channel][_bucket(post.published_at, first, step)] += 1
    hours = _hours(first, last, step)
    channels = tuple(sorted(per, key=lambda c: (-sum(per[c].values()), c)))
    counts = {c: tuple(per[c].get(h, 0) for h in hours) for c in channels}
    return ChannelCurve(tuple(hours), step, channels, counts)


def _bucket(moment: datetime, first: datetime, step: int) -> datetime:
    offset = (hour_of(moment) - first) // timedelta(hours=step)
    return first + offset * timedelta(hours=step)


def _hours(first: datetime, last: datetime, step: int = 1) -> list[datetime]:
    hours, at = [], first
    while at <= last:
        hours.append(at)
        at += timedelta(hours=step)
    return hours


def turning_points(posts: Sequence[SpreadPost]) -> tuple[TurningPoint, ...]:
    """Hours whose volume jumped (see the module docstring), in time order."""
    by_hour: dict[datetime, list[SpreadPost]] = defaultdict(list)
    for post in posts:
        by_hour[hour_of(post.published_at)].append(post)
    if not by_hour:
        return ()
    hours = _hours(min(by_hour), max(by_hour))
    counts = [len(by_hour.get(h, ())) for h in hours]
    found: list[TurningPoint] = []
    for i, hour in enumerate(hours):
        before = counts[max(0, i - TURN_WINDOW) : i]
        baseline = sum(before) / TURN_WINDOW
        if counts[i] >= TURN_MIN and counts[i] >= TURN_RATIO * baseline:
            head = by_hour[hour][0]
            found.append(
                TurningPoint(
                    hour, counts[i], round(baseline, 2), head.id, snippet(head.text), head.source
                )
            )
    return tuple(found)


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def outlet_reach(posts: Iterable[SpreadPost]) -> tuple[OutletReach, ...]:
    """Registered public outlets that carried the event, by reach, then posts."""
    rows: dict[str, list[SpreadPost]] = defaultdict(list)
    for post in posts:
        if post.outlet:
            rows[post.outlet].append(post)
    out = [
        OutletReach(name, len(ps), sum(p.reach for p in ps), min(p.published_at for p in ps))
        for name, ps in rows.items()
    ]
    out.sort(key=lambda o: (-o.reach, -o.posts, o.outlet))
    return tuple(out[:TOP_OUTLETS])


AccountKey = Callable[[str, "SpreadPost"], str]


def _plain_key(account: str, post: SpreadPost) -> str:
    return account


@dataclass
class _Node:
    depth: int
    first_at: datetime
    comment: str
    outlet: str | None
    size: int = 1  # nodes in the subtree, this one included
    deepest: int = 0  # the deepest level in the subtree
    children: dict[str, _Node] = field(default_factory=dict)


def cascade(posts: Sequence[SpreadPost], account_key: AccountKey = _plain_key) -> Cascade:
    """The repost cascade of the posts (see the module docstring).

    A node is one account at one place in the tree: the author of an original at
    level 0, whoever reposted it at level 1, and so on. Accounts named in a chain
    are turned into the same key as the stored authors by ``account_key`` (the
    deployment's pseudonym function), so a collected repost and the hop naming its
    author in a later chain are one node. The keys never leave this function.
    """
    roots: dict[str, _Node] = {}
    by_id = {p.id: p for p in posts}
    paths: dict[int, tuple[str, ...]] = {}
    reposts = copies = 0
    for post in posts:  # oldest first, so a node's first time is its first post
        path = _path(post, by_id, paths, account_key)
        paths[post.id] = path
        if post.duplicate_of in by_id:
            copies += 1
        elif len(path) > 1:
            reposts += 1
        _insert(roots, path, post)
    levels: Counter[int] = Counter()
    for root in roots.values():
        _count_levels(root, levels)
    heads = sorted(
        (child for root in roots.values() for child in root.children.values()),
        key=lambda n: (-n.size, n.first_at),
    )
    branches = tuple(
        Branch(rank, n.size, n.deepest, n.first_at, n.comment, n.outlet)
        for rank, n in enumerate(heads[:TOP_BRANCHES], start=1)
    )
    shape = tuple(levels[d] for d in range(1, max(levels, default=0) + 1))
    return Cascade(
        posts=len(posts),
        origins=len(roots),
        reposts=reposts,
        copies=copies,
        depth=len(shape),
        breadth=max(shape, default=0),
        levels=shape,
        branches=branches,
    )


def _insert(roots: dict[str, _Node], path: tuple[str, ...], post: SpreadPost) -> None:
    nodes = roots
    chain: list[_Node] = []
    for depth, key in enumerate(path):
        node = nodes.get(key)
        if node is None:
            is_self = depth == len(path) - 1
            node = _Node(
                depth,
                post.published_at,
                _comment(post) if is_self else "",
                post.outlet if is_self else None,
                size=0,
            )
            nodes[key] = node
            for above in chain:
                above.size += 1
            node.size = 1
        elif depth == len(path) - 1 and not node.comment:
            node.comment, node.outlet = _comment(post), post.outlet
        node.first_at = min(node.first_at, post.published_at)
        chain.append(node)
        nodes = node.children
    for above in chain:
        above.deepest = max(above.deepest, len(path) - 1)


def _count_levels(node: _Node, levels: Counter[int]) -> None:
    for child in node.children.values():
        levels[child.depth] += 1
        _count_levels(child, levels)


def _path(
    post: SpreadPost,
    by_id: dict[int, SpreadPost],
    paths: dict[int, tuple[str, ...]],
    account_key: AccountKey,
) -> tuple[str, ...]:
    """Account keys from the original's author down to this post's author."""
    own = post.author or f"post:{post.id}"
    if post.duplicate_of is not None and post.duplicate_of in by_id:
        parent = paths.get(post.duplicate_of)
        if parent is None:  # a copy older than its original: place it under it anyway
            parent = (by_id[post.duplicate_of].author or f"post:{post.duplicate_of}",)
        return (*parent, own) if parent[-1] != own else parent
    chain = repost_chain(post.text)
    if not chain.is_repost:
        return (own,)
    above = [account_key(hop.account, post) for hop in reversed(chain.hops) if hop.account]
    path = [*above, own]
    # An account reposting itself adds no level.
    return tuple(k for i, k in enumerate(path) if i == 0 or path[i - 1] != k)


def _comment(post: SpreadPost) -> str:
    chain = repost_chain(post.text)
    return snippet(chain.comment or chain.original or post.text, 40)
