"""Events: items clustered, as they arrive, into the happenings they are about.

An item's profile is the set of character bigrams of its title (or the opening of
its text), weighted by how rare each bigram is so far (IDF over the stream). It
joins the active event — seen within ``WINDOW`` — whose profile it overlaps most,
if the weighted overlap reaches ``JOIN_THRESHOLD`` (or ``LOOSE_THRESHOLD`` when the
two also share a place or topic); otherwise it starts an event. Copies join their
original's event. Items an analyst pinned keep the event they were put in.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter

WINDOW = timedelta(hours=72)
JOIN_THRESHOLD = 0.42
LOOSE_THRESHOLD = 0.28
PROFILE_TERMS = 40
MAX_CANDIDATES = 20  # events sharing the most terms with an item; the rest cannot win
TERM_EVENTS = 50  # events remembered per term, most recently touched (see EventClusterer)
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
    _floor: float = field(default=0.0, repr=False, compare=False)

    def profile(self) -> dict[str, float]:
        """The event's heaviest terms: what a newcomer must share to join it."""
        if self._profile is None:
            top = heapq.nlargest(PROFILE_TERMS, self.weights.items(), key=itemgetter(1))
            self._profile = dict(top)
            self._floor = min(self._profile.values(), default=0.0)
        return self._profile

    def add_weight(self, term: str, amount: float) -> None:
        """Add to a term's weight, keeping the profile current without a re-sort.

        Weights only grow, so one term can at most push out the lightest of the
        profile: O(PROFILE_TERMS) rather than O(terms) — a big event's terms number
        thousands, and re-sorting them for every item it absorbed grew with the stream.
        """
        weight = self.weights.get(term, 0.0) + amount
        self.weights[term] = weight
        profile = self._profile
        if profile is None:
            return
        if term in profile:
            lightest = profile[term] <= self._floor
            profile[term] = weight
            if lightest:
                self._floor = min(profile.values())
        elif len(profile) < PROFILE_TERMS:
            profile[term] = weight
            self._floor = min(self._floor, weight) if len(profile) > 1 else weight
        elif weight > self._floor:
            del profile[min(profile, key=profile.__getitem__)]
            profile[term] = weight
            self._floor = min(profile.values())


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
    """Incremental clustering over a stream in publication order.

    Every step costs what the item and its candidate events cost, never what the
    stream so far costs: real replies start thousands of events per batch, and a
    rescan of all items or all terms per new event made runs slow down as they grew.
    """

    def __init__(self) -> None:
        self.events: dict[int, EventState] = {}
        # term → events whose items used it, most recently touched last, at most
        # TERM_EVENTS: a term shared by more events is too common to find one by.
        self._by_term: dict[str, dict[int, None]] = {}
        self._indexed: dict[int, None] = {}  # events with postings (not yet pruned)
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._next_new = -1
        self.assigned: dict[int, int] = {}  # item id → event key
        self._unsaved: dict[int, list[int]] = {}  # new event key → its items so far

    def load(self, events: Iterable[EventState]) -> None:
        """Start from stored active events (and their terms) so a run continues them."""
        for event in events:
            self.events[event.key] = event
            self._post(event.key, event.weights)

    def rekey(self, old: int, new: int) -> None:
        """A new event got its stored id: call it by that from now on."""
        self.rekey_many({old: new})

    def rekey_many(self, stored: Mapping[int, int]) -> None:
        """New events got their stored ids. Touches only those events' terms and items."""
        for old, new in stored.items():
            state = self.events.pop(old)
            state.key = new
            self.events[new] = state
            for item_id in self._unsaved.pop(old, ()):
                self.assigned[item_id] = new
            for term in state.weights:
                postings = self._by_term.get(term)
                if postings is not None and old in postings:
                    del postings[old]
                    postings[new] = None
            if old in self._indexed:
                del self._indexed[old]
                self._indexed[new] = None

    def assign(self, item: EventInput) -> int:
        """The event key the item belongs to (new events get negative keys)."""
        terms = profile_terms(item.title, item.norm_text)
        self._learn(terms)
        if self._docs % PRUNE_EVERY == 0:
            self._prune(item.published_at)
        idf = {term: self._idf(term) for term in terms}
        key = self._choose(item, idf)
        self._absorb(key, item, idf)
        self.assigned[item.item_id] = key
        if key < 0:
            self._unsaved.setdefault(key, []).append(item.item_id)
        return key

    def _choose(self, item: EventInput, idf: dict[str, float]) -> int:
        if item.pinned_event is not None and item.pinned_event in self.events:
            return item.pinned_event
        if item.duplicate_of is not None and item.duplicate_of in self.assigned:
            return self.assigned[item.duplicate_of]
        best_key, best_score = None, 0.0
        mine = sum(idf.values())
        for key in self._candidates(idf, item.published_at):
            event = self.events[key]
            score = _overlap(idf, event.profile(), mine)
            shares = not item.places.isdisjoint(event.places) or item.topic in event.topics
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

    def _candidates(self, terms: Iterable[str], when: datetime) -> list[int]:
        """Active events sharing terms with the item, those sharing most first."""
        shared: Counter[int] = Counter()
        for term in terms:
            postings = self._by_term.get(term)
            if postings:
                shared.update(postings.keys())  # the keys: a mapping would add its values
        # Most shared terms first, the newer (larger) key on a tie.
        cutoff, chosen = when - WINDOW, []
        for key, _n in sorted(shared.items(), key=_by_count_then_key, reverse=True):
            if self.events[key].last_seen >= cutoff:
                chosen.append(key)
                if len(chosen) == MAX_CANDIDATES:
                    break
        return chosen

    def _prune(self, now: datetime) -> None:
        """Forget the terms of events that left the window (the events themselves stay)."""
        expired = [k for k in self._indexed if now - self.events[k].last_seen > WINDOW]
        for key in expired:
            del self._indexed[key]
            for term in self.events[key].weights:
                postings = self._by_term.get(term)
                if postings is not None and key in postings:
                    del postings[key]
                    if not postings:
                        del self._by_term[term]

    def _idf(self, term: str) -> float:
        return math.log((1 + self._docs) / (1 + self._df[term])) + 1.0

    def _learn(self, terms: list[str]) -> None:
        self._docs += 1
        self._df.update(terms)  # profile_terms are distinct

    def _post(self, key: int, terms: Iterable[str]) -> None:
        self._indexed[key] = None
        for term in terms:
            postings = self._by_term.setdefault(term, {})
            if key in postings:
                del postings[key]  # moved to the end: touched most recently
            postings[key] = None
            if len(postings) > TERM_EVENTS:
                del postings[next(iter(postings))]

    def _absorb(self, key: int, item: EventInput, idf: dict[str, float]) -> None:
        event = self.events[key]
        event.first_seen = min(event.first_seen, item.published_at)
        event.last_seen = max(event.last_seen, item.published_at)
        for term, weight in idf.items():
            event.add_weight(term, weight)
        self._post(key, idf)
        event.places.update(item.places)
        if item.topic:
            event.topics[item.topic] += 1


_by_count_then_key = itemgetter(1, 0)


def _overlap(idf: dict[str, float], profile: dict[str, float], mine: float) -> float:
    """Weighted overlap of the item's terms with an event's profile (0..1)."""
    if not mine:
        return 0.0
    return sum(map(idf.__getitem__, idf.keys() & profile.keys())) / mine
