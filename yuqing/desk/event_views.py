"""Read models of the views an event and a period get: spread (传播分析) with the desk's
official responses on the same timeline, key terms (词云), and the map of places.

The spread of an event is computed from its items when asked (an event holds at most
``SPREAD_CAP`` posts here; a larger one is read from its newest posts and says so).
Key terms compare a target set with a background sample of the stream, counted ahead
by the scheduled analysis (:mod:`yuqing.analyse.term_background`) and kept per process
while the stored count stays the same, so a page does not re-read the stream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from yuqing.analyse.keyterms import Background, Term, key_terms
from yuqing.analyse.place_map import Mention, PlaceMap, place_map
from yuqing.analyse.spread import Spread, SpreadPost, analyse_spread
from yuqing.analyse.term_background import sample_background, stored_at, stored_background
from yuqing.errors import NotFound
from yuqing.store.models import (
    Case,
    CaseReply,
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    Source,
    Unit,
)
from yuqing.text import pseudonymise
from yuqing.text.pseudonyms import is_pseudonym

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")
SPREAD_CAP = 20_000
# Key terms read the newest TERMS_CAP posts against a background sample of the stream.
TERMS_CAP = 1_500
BACKGROUND_TTL = 1800.0  # a background counted here (none stored yet) is kept this long
VIEW_TTL = 600.0  # a view's figures are kept this long unless its records change
CHANNEL_LABELS = {
    "rss": "新闻订阅",
    "web": "网站",
    "file": "平台导出",
    "mail": "邮件",
    "manual": "人工录入",
    "partner": "合作平台",
}


@dataclass(frozen=True)
class Response:
    """One official response on the event's timeline."""

    at: datetime
    kind: str  # 辟谣发布 / 督办立案 / 部门答复 / 督办办结
    label: str
    link: str


@dataclass(frozen=True)
class EventSpread:
    event_id: int
    spread: Spread
    responses: tuple[Response, ...]
    capped: bool  # more posts than SPREAD_CAP: the newest were read


_SPREAD_COLUMNS = (
    Item.id,
    Item.published_at,
    Item.text_original,
    Item.duplicate_of_id,
    Item.author,
    Item.author_is_outlet,
    Item.reposts + Item.comments + Item.likes,
    Source.kind,
    Source.name,
)


def event_spread(session: Session, event_id: int, secret: str) -> EventSpread:
    if session.get(Event, event_id) is None:
        raise NotFound(f"事件 {event_id} 不存在")
    # Plain columns rather than ORM rows: an event may hold tens of thousands of posts.
    rows = session.execute(
        select(*_SPREAD_COLUMNS)
        .outerjoin(Source, Source.id == Item.source_id)
        .where(Item.event_id == event_id)
        .order_by(Item.published_at.desc(), Item.id.desc())
        .limit(SPREAD_CAP + 1)
    ).all()
    capped = len(rows) > SPREAD_CAP
    kinds: dict[int, str] = {}
    posts: list[SpreadPost] = []
    for id_, at, text, copy_of, author, is_outlet, reach, kind, source in rows[:SPREAD_CAP]:
        kinds[id_] = kind or ""
        posts.append(
            SpreadPost(
                id=id_,
                published_at=at,
                text=text,
                channel=CHANNEL_LABELS.get(kind or "manual", kind or "manual"),
                source=source or "人工录入",
                outlet=author if is_outlet else None,
                duplicate_of=copy_of,
                reach=int(reach or 0),
                author=author,
            )
        )
    outlets = {p.outlet for p in posts if p.outlet}

    def account_key(account: str, post: SpreadPost) -> str:
        # The stored authors are keyed pseudonyms; a chain names accounts in clear,
        # so key them the same way to find the same node. Never shown.
        if account in outlets or is_pseudonym(account):  # keyed at ingest already
            return account
        return pseudonymise(account, secret, platform=kinds.get(post.id, ""))

    spread = analyse_spread(posts, account_key)
    return EventSpread(event_id, spread, tuple(official_responses(session, event_id)), capped)


def official_responses(session: Session, event_id: int) -> list[Response]:
    """Clarifications published for the event's items and the event's cases, in time order."""
    out: list[Response] = []
    in_event = select(Item.id).where(Item.event_id == event_id)
    claims = session.scalars(
        select(Claim)
        .where(Claim.published.is_(True), Claim.published_at.is_not(None))
        .where(Claim.id.in_(select(ClaimMatch.claim_id).where(ClaimMatch.item_id.in_(in_event))))
    ).all()
    for claim in claims:
        assert claim.published_at is not None
        out.append(
            Response(claim.published_at, "辟谣发布", claim.text[:60], f"/factchecks/{claim.id}")
        )
    cases = session.scalars(
        select(Case).where(or_(Case.event_id == event_id, Case.item_id.in_(in_event)))
    ).all()
    for case in cases:
        link = f"/cases/{case.id}"
        out.append(Response(case.created_at, "督办立案", case.title[:60], link))
        first_reply = session.scalar(
            select(func.min(CaseReply.created_at)).where(CaseReply.case_id == case.id)
        )
        if first_reply is not None:
            out.append(Response(first_reply, "部门答复", case.title[:60], link))
        if case.closed_at is not None:
            out.append(Response(case.closed_at, "督办办结", case.title[:60], link))
    out.sort(key=lambda r: (r.at, r.kind))
    return out


# ---------------------------------------------------------------- caches

_cache_lock = threading.Lock()
_views: dict[tuple[object, ...], tuple[float, object]] = {}


def cached(key: tuple[object, ...], compute: Callable[[], T], ttl: float = VIEW_TTL) -> T:
    """``compute()`` kept ``ttl`` seconds under ``key``, which names the records it read
    (an event with its size and last post, a period with the newest item id), so new
    records make a new key rather than a stale answer."""
    now = time.monotonic()
    with _cache_lock:
        hit = _views.get(key)
        if hit is not None and now - hit[0] < ttl:
            return cast(T, hit[1])
    value = compute()
    with _cache_lock:
        if len(_views) > 256:
            _views.clear()
        _views[key] = (now, value)
    return value


def event_key(session: Session, event_id: int) -> tuple[object, ...]:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"事件 {event_id} 不存在")
    return ("event", event_id, event.item_count, event.last_seen, _engine_key(session))


def stream_key(session: Session, *parts: object) -> tuple[object, ...]:
    newest = session.scalar(select(func.max(Item.id)))
    return ("stream", *parts, newest, _engine_key(session))


def _engine_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


# ---------------------------------------------------------------- key terms


def stream_background(session: Session) -> Background:
    """The background the scheduled analysis counted, read once per process while it
    stays the same; a desk with none stored yet has it counted here (kept for
    BACKGROUND_TTL seconds, or until one is stored)."""
    counted_at = stored_at(session)

    def load() -> Background:
        background = stored_background(session) if counted_at is not None else None
        if background is None:
            background = sample_background(session)
            LOGGER.info(
                "key-term background sampled for this process (none stored yet): "
                "%d posts, %d terms",
                background.docs,
                len(background.counts),
            )
        return background

    return cached(("background", _engine_key(session), counted_at), load, BACKGROUND_TTL)


def forget_background() -> None:
    """Drop the kept background and views (tests, benchmarks)."""
    with _cache_lock:
        _views.clear()


def terms_of(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    exclude: Sequence[str],
    limit: int = 40,
    *,
    originals_only: bool = True,
) -> list[Term]:
    """Key terms of the items matching ``where`` (the newest TERMS_CAP); a period counts
    originals only, an event its copies too (an event of one post copied thirty times
    is about what that post says, thirty times)."""
    query = select(Item.text_norm).where(*where)
    if originals_only:
        query = query.where(Item.duplicate_of_id.is_(None))
    # Newest by time, as the published-time index reads a period backwards and stops at
    # the cap; by id, a week of a 100k desk was read whole and sorted (0.18 s of 0.2 s).
    newest = (Item.published_at.desc(), Item.id.desc())
    texts = session.scalars(query.order_by(*newest).limit(TERMS_CAP)).all()
    return key_terms(texts, stream_background(session), exclude=exclude, limit=limit)


def own_names(session: Session, city_name: str) -> list[str]:
    """The desk's own place and unit names: every local post names them."""
    names = [city_name] if city_name else []
    names += [n for n in session.scalars(select(Unit.name)).all() if n]
    return names


# ---------------------------------------------------------------- places


def places_of(
    session: Session, where: Sequence[ColumnElement[bool]], jurisdiction: Sequence[str]
) -> tuple[PlaceMap, list[Mention]]:
    """Mentions of places by the items matching ``where``, and the map to draw them on."""
    rows = session.execute(
        select(ItemPlace.code, func.min(ItemPlace.name), func.count())
        .join(Item, Item.id == ItemPlace.item_id)
        .where(*where)
        .group_by(ItemPlace.code)
    ).all()
    mentions = [Mention(code, name, int(n)) for code, name, n in rows]
    mentions.sort(key=lambda m: (-m.count, m.code))
    return place_map(mentions, jurisdiction), mentions
