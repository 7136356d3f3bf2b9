"""Events: items clustered, as they arrive, into the happenings they are about.

An item's profile is the set of character bigrams of its title (or the opening of
its text), weighted by how rare each bigram is so far (IDF over the stream). It
joins the active event — seen within ``WINDOW`` — whose profile it overlaps most,
if the weighted overlap reaches ``JOIN_THRESHOLD`` (or ``LOOSE_THRESHOLD`` when the
two also share a place or topic); otherwise it starts an event. Copies join their
original's event. Items an analyst pinned keep the event they were put in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(hours=72)
JOIN_THRESHOLD = 0.42
LOOSE_THRESHOLD = 0.28
PROFILE_TERMS = 40
MAX_CANDIDATES = 20  # events sharing the most terms with an item; the rest cannot win
PRUNE_EVERY = 2000  # items between sweeps of events that left the window
OPENING = 80  # characters of the text used when an item has no title
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# Bigrams that say nothing about which happening an item is about.
STOP_BIGRAMS = frozenset(
    "我们 你们 他们 大家 一个 这个 那个 没有 什么 怎么 可以 已经 还是 就是 不是 现在 今天 "
    "明天 昨天 目前 相关 有关 进行 工作 情况 问题 表示 要求 希望 通知 市民 居民 网友 青岚 "
    "岚市 全市 我市 记者 获悉 近日 日前 发布 消息".split()
)


def profile_terms(title: str | None, norm_text: str) -> list[str]:
    """The bigrams an item is matched on (distinct, in order)."""
    basis = title if title else norm_text[:OPENING]
    grams: dict[str, None] = {}
    for run in _HAN.findall(basis):
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram not in STOP_BIGRAMS:
                grams.setdefault(gram, None)
    return list(grams)


@dataclass
class EventState:
    key: int  # the stored event id, or a negative number for an event made in this run
    first_seen: datetime
    last_seen: datetime
    title: str
    weights: dict[str, float] = field(default_factory=dict)
    places: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    _profile: dict[str, float] | None = field(default=None, repr=False, compare=False)

    def profile(self) -> dict[str, float]:
        """The event's heaviest terms: what a newcomer must share to join it."""
        if self._profile is None:
            top = sorted(self.weights.items(), key=lambda pair: -pair[1])[:PROFILE_TERMS]
            self._profile = dict(top)
        return self._profile


@dataclass(frozen=True)
class EventInput:
    item_id: int
    title: str | None
    norm_text: str
    published_at: datetime
    places: frozenset[str]
    topic: str | None
    duplicate_of: int | None
    pinned_event: int | None
    display: str = ""  # what people read as the item's title


class EventClusterer:
    """Incremental clustering over a stream in publication order."""

    def __init__(self) -> None:
        self.events: dict[int, EventState] = {}
        self._by_term: dict[str, set[int]] = {}
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._next_new = -1
        self.assigned: dict[int, int] = {}  # item id → event key

    def load(self, events: Iterable[EventState]) -> None:
        """Start from stored active events (and their terms) so a run continues them."""
        for event in events:
            self.events[event.key] = event
            for term in event.weights:
                self._by_term.setdefault(term, set()).add(event.key)

    def rekey(self, old: int, new: int) -> None:
        """A new event got its stored id: call it by that from now on."""
        state = self.events.pop(old)
        state.key = new
        self.events[new] = state
        for item_id, key in self.assigned.items():
            if key == old:
                self.assigned[item_id] = new
        for keys in self._by_term.values():
            if old in keys:
                keys.discard(old)
                keys.add(new)

    def assign(self, item: EventInput) -> int:
        """The event key the item belongs to (new events get negative keys)."""
        terms = profile_terms(item.title, item.norm_text)
        self._learn(terms)
        if self._docs % PRUNE_EVERY == 0:
            self._prune(item.published_at)
        key = self._choose(item, terms)
        self._absorb(key, item, terms)
        self.assigned[item.item_id] = key
        return key

    def _choose(self, item: EventInput, terms: list[str]) -> int:
        if item.pinned_event is not None and item.pinned_event in self.events:
            return item.pinned_event
        if item.duplicate_of is not None and item.duplicate_of in self.assigned:
            return self.assigned[item.duplicate_of]
        best_key, best_score = None, 0.0
        for key in self._candidates(terms, item.published_at):
            score = self._similarity(terms, self.events[key])
            event = self.events[key]
            shares = bool(item.places & set(event.places)) or (item.topic in event.topics)
            needed = LOOSE_THRESHOLD if shares else JOIN_THRESHOLD
            if score >= needed and score > best_score:
                best_key, best_score = key, score
        if best_key is not None:
            return best_key
        key = self._next_new
        self._next_new -= 1
        title = (item.display or item.title or item.norm_text[:40]).strip()
        self.events[key] = EventState(key, item.published_at, item.published_at, title)
        return key

    def _candidates(self, terms: list[str], when: datetime) -> list[int]:
        """Active events sharing terms with the item, those sharing most first."""
        shared: Counter[int] = Counter()
        for term in terms:
            shared.update(self._by_term.get(term, ()))
        active = [(n, k) for k, n in shared.items() if when - self.events[k].last_seen <= WINDOW]
        active.sort(reverse=True)
        return [k for _n, k in active[:MAX_CANDIDATES]]

    def _prune(self, now: datetime) -> None:
        """Forget the terms of events that left the window (the events themselves stay)."""
        expired = {k for k, e in self.events.items() if now - e.last_seen > WINDOW}
        if not expired:
            return
        for keys in self._by_term.values():
            keys.difference_update(expired)

    def _idf(self, term: str) -> float:
        return math.log((1 + self._docs) / (1 + self._df[term])) + 1.0

    def _similarity(self, terms: list[str], event: EventState) -> float:
        """Weighted overlap of the item's terms with the event's profile (0..1)."""
        if not terms:
            return 0.0
        profile = event.profile()
        mine = sum(self._idf(t) for t in terms)
        shared = sum(self._idf(t) for t in terms if t in profile)
        return shared / mine

    def _learn(self, terms: list[str]) -> None:
        self._docs += 1
        self._df.update(set(terms))

    def _absorb(self, key: int, item: EventInput, terms: list[str]) -> None:
        event = self.events[key]
        event.first_seen = min(event.first_seen, item.published_at)
        event.last_seen = max(event.last_seen, item.published_at)
        for term in terms:
            event.weights[term] = event.weights.get(term, 0.0) + self._idf(term)
            self._by_term.setdefault(term, set()).add(key)
        event._profile = None  # the heaviest terms may have changed
        event.places.update(item.places)
        if item.topic:
            event.topics[item.topic] += 1
