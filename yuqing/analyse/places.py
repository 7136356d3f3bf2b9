"""Tag the places a text mentions, and tell whether it is about our jurisdiction (涉我).

:class:`PlaceTagger` scans text in matching form (:func:`yuqing.text.matching_form`:
simplified, NFKC, lower case) for every surface form of the gazetteer with one
Aho-Corasick automaton, then decides which place each match names. Many county and
town names repeat across provinces (朝阳区, 东城, 城关镇) and many short forms are
ordinary words (和平, 长安, 新华), so the rules prefer dropping a match to guessing:

1. Forms. Full names, suffix-keeping abbreviations (恩施州) and former names
   (崇文区) match anywhere. Short forms (包头, 内蒙古, 昆都仑) match unless they
   are common words (``COMMON_WORDS``: 和平, 长安, 新华, 城关, 中山 …) or shorter
   than ``min_short``.
2. Weak forms need context. Short forms of towns and communities (钢城 for
   钢城街道) count only when their parent (the county) is named elsewhere in the
   text. Full names that are ordinary phrases (``GENERIC_FULL``: 东区, 城区,
   新城区 …) and town-level units without a town suffix (经济开发区, 良种场) count
   only when an ancestor is named. Two-character full names (和县, 新县) need an
   ancestor named or the place inside the jurisdiction (新县城 is not 新县), and
   so do two-character short forms of counties (明天全市 is not 天全县).
3. Support. A candidate is supported when one of its ancestors (长春 for
   长春朝阳区) or one of its descendants (长春 for 吉林 in 吉林长春) is named by
   another, non-overlapping match; the nearer that match, the stronger the
   support (北京…长春朝阳区 is Changchun's 朝阳区).
4. Choice among the places one match may name: the supported candidates if any
   (the nearest supported first), otherwise those inside the jurisdiction (a
   local desk mostly reads about its own area), otherwise all. From that pool: a
   single place wins; a place that is an ancestor of all the others wins (吉安 →
   吉安市, not 吉安县); a single candidate of the strongest kind wins (a full name
   with suffix beats a short form, and a current name a former one). Anything
   else is ambiguous and dropped.
5. Overlaps. Longest match wins: of the overlapping matches, the
   non-overlapping set covering the most characters is kept, so a match inside
   a longer one is dropped and 信阳新县 reads 信阳 + 新县, not 阳新县. Among
   equal covers fewer pieces win, then stronger ones (full, former, a common
   word from ``BLOCKERS``, short; supported before unsupported: 济南市中区 →
   济南 + 市中区), then earlier ones. An ambiguous match or a blocker word (明天,
   权威, 卫生) still claims its span, so an unresolved 朝阳区 does not fall back
   to a short form inside it and 权威信息 does not name 威信.

A text is 涉我 (:meth:`PlaceTagger.is_local`) when a hit lies within the subtree
of a jurisdiction code; naming only an ancestor (内蒙古 for a 包头 desk) is not.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from yuqing.analyse.gazetteer import (
    COMMON_WORDS,
    GENERIC_FULL,
    Gazetteer,
    Kind,
    Place,
)

try:  # C automaton; the pure-Python scanner below is the fallback
    import ahocorasick  # type: ignore[import-not-found,import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - exercised only without pyahocorasick
    ahocorasick = None

__all__ = ["Gazetteer", "Place", "PlaceHit", "PlaceTagger"]

# What a candidate needs before it may be chosen.
_NONE: Final = 0
_LOCAL: Final = 1  # an ancestor named, or the place inside the jurisdiction
_ANCESTOR: Final = 2  # an ancestor (or descendant) named
_PARENT: Final = 3  # its parent named
# Names of real towns (and of communities a caller files as towns), as opposed to
# town-level statistical units such as 经济开发区 or 良种场.
_TOWN_SUFFIXES: Final = ("镇", "乡", "街道", "办事处", "苏木", "社区", "村", "居委会", "村委会")
# Rule 5's preference among equally long covers: full > former > blocker > short,
# and a supported match over an unsupported one of the same kind.
_KIND_BONUS: Final = {Kind.FULL: 8, Kind.FORMER: 4, Kind.SHORT: 0}
_BLOCKER_BONUS: Final = 3
_SUPPORT_BONUS: Final = 2

# Common words that straddle the edge of a two-character short form (明天全市 is
# not 天全, 权威信息 not 威信, 家中卫生间 not 中卫): a blocker claims its span the
# way a match does, so an equally long or shorter short form under it is dropped.
BLOCKERS: Final = frozenset(
    """
    今天 明天 昨天 每天 当天 天天 前天 后天 白天 全天 半天 整天 几天 两天 三天 多天 聊天 春天
    夏天 秋天 冬天 今日 明日 昨日 每日 当日 今年 明年 去年 每年 全年 当年 权威 卫生 美丽 安全
    全市 全区 全县 全省 全国 本市 本区 本县 我市 我区 我县 市民 居民 村民 人民 群众 市场 公安
    长治久安 四平八稳 大同小异 山南海北 白山黑水 玉树临风
    """.split()
)
_LOW_LEVELS: Final = frozenset({"town", "community"})

Span = tuple[int, int]
Score = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A place named in a text: ``norm_text[start:end] == matched``."""

    place: Place
    start: int
    end: int
    matched: str


class _Cand(NamedTuple):  # a tuple: built 85,000 times per automaton
    place: Place
    kind: Kind
    need: int


class _Decision(NamedTuple):
    start: int
    end: int
    choice: _Cand | None  # None: ambiguous, or a blocker word
    score: Score


def _need(surface: str, place: Place, kind: Kind) -> int:
    """How much context a surface form needs to name ``place`` (rule 2)."""
    if kind is Kind.SHORT and place.level in _LOW_LEVELS:
        return _PARENT
    if kind is Kind.SHORT and place.level == "county" and len(surface) <= 2:
        return _LOCAL  # 天全, 天等, 威信: too easily read across a word boundary
    if surface in GENERIC_FULL or surface in COMMON_WORDS:
        return _ANCESTOR
    if place.level == "town" and not place.name.endswith(_TOWN_SUFFIXES):
        return _ANCESTOR
    if len(surface) <= 2 and kind is not Kind.SHORT:
        return _PARENT if place.level in _LOW_LEVELS else _LOCAL
    return _NONE


def _candidates(surface: str, pairs: list[tuple[Place, Kind]], min_short: int) -> tuple[_Cand, ...]:
    if len(surface) < 2:
        return ()
    out = []
    for place, kind in pairs:
        if kind is Kind.SHORT and (len(surface) < min_short or surface in COMMON_WORDS):
            continue
        out.append(_Cand(place, kind, _need(surface, place, kind)))
    return tuple(out)


class _Scanner:
    """Pure-Python stand-in for ``ahocorasick.Automaton`` (same three methods):
    at each position, look up the substrings of the lengths that start with that
    character. Several times slower; used only when pyahocorasick is missing."""

    def __init__(self) -> None:
        self._words: dict[str, object] = {}
        self._lengths: dict[str, tuple[int, ...]] = {}

    def add_word(self, word: str, value: object) -> None:
        self._words[word] = value
        lengths = set(self._lengths.get(word[0], ()))
        self._lengths[word[0]] = tuple(sorted(lengths | {len(word)}))

    def make_automaton(self) -> None:
        return None

    def iter(self, text: str) -> Iterator[tuple[int, object]]:
        size = len(text)
        for start, char in enumerate(text):
            for length in self._lengths.get(char, ()):
                if start + length > size:  # a cut-off slice could equal a shorter word
                    break
                value = self._words.get(text[start : start + length])
                if value is not None:
                    yield start + length - 1, value


def _build_automaton(gazetteer: Gazetteer, min_short: int) -> Any:
    automaton: Any = ahocorasick.Automaton() if ahocorasick is not None else _Scanner()
    for word in BLOCKERS:  # added first: a place form with candidates replaces it
        automaton.add_word(word, (len(word), ()))
    for surface, pairs in gazetteer.surfaces():
        cands = _candidates(surface, pairs, min_short)
        if cands:
            automaton.add_word(surface, (len(surface), cands))
    automaton.make_automaton()
    return automaton


class _Context:
    """Which codes the matches of one text name, and where (for rules 2 and 3)."""

    def __init__(self, matches: list[tuple[int, int, tuple[_Cand, ...]]]) -> None:
        self.named: dict[str, list[Span]] = {}
        self.below: dict[str, list[Span]] = {}  # ancestor → spans naming a descendant
        for start, end, cands in matches:
            for cand in cands:
                if cand.need in (_NONE, _LOCAL):  # weak forms give no context
                    self.named.setdefault(cand.place.code, []).append((start, end))
                    for code in cand.place.path[:-1]:
                        self.below.setdefault(code, []).append((start, end))

    @staticmethod
    def _gap(spans: list[Span] | None, start: int, end: int) -> int | None:
        """Characters between [start, end) and the nearest span not overlapping it."""
        gaps = [
            start - e if e <= start else s - end for s, e in spans or () if e <= start or s >= end
        ]
        return min(gaps) if gaps else None

    def names(self, code: str | None, start: int, end: int) -> int | None:
        """How near another match names ``code`` (None: nowhere else)."""
        return None if code is None else self._gap(self.named.get(code), start, end)

    def support(self, place: Place, start: int, end: int) -> int | None:
        """How near another match names an ancestor or a descendant of ``place``."""
        gaps = [self._gap(self.below.get(place.code), start, end)]
        gaps += [self.names(code, start, end) for code in place.path[:-1]]
        found = [gap for gap in gaps if gap is not None]
        return min(found) if found else None


def _pick(pool: list[_Cand]) -> _Cand | None:
    """The one candidate rule 4 allows, or None when the pool stays ambiguous."""
    by_code = {cand.place.code: cand for cand in sorted(pool, key=lambda c: -c.kind)}
    if len(by_code) <= 1:
        return next(iter(by_code.values()), None)
    for cand in by_code.values():
        if all(cand.place.code in other.place.path for other in by_code.values()):
            return cand
    strongest = min(cand.kind for cand in by_code.values())
    best = [cand for cand in by_code.values() if cand.kind == strongest]
    return best[0] if len(best) == 1 else None


def _score(start: int, end: int, bonus: int) -> Score:
    # Compared as a tuple: characters covered, then fewer pieces, then the
    # stronger and supported pieces, then the earlier ones (rule 5).
    return (end - start, -1, bonus, -start)


def _best_cover(decided: list[_Decision]) -> list[_Decision]:
    """The non-overlapping subset with the best summed score, by position
    (weighted interval scheduling: each match either joins the best cover of
    the text before its start, or is left out)."""
    ordered = sorted(decided, key=lambda d: (d.end, d.start))
    ends = [d.end for d in ordered]
    best: list[Score] = [(0, 0, 0, 0)]
    taken: list[bool] = []
    for index, decision in enumerate(ordered):
        before = bisect_right(ends, decision.start, 0, index)
        joined = tuple(a + b for a, b in zip(best[before], decision.score, strict=True))
        take = joined > best[index]
        best.append(joined if take else best[index])  # type: ignore[arg-type]
        taken.append(take)
    chosen: list[_Decision] = []
    index = len(ordered)
    while index > 0:
        if taken[index - 1]:
            chosen.append(ordered[index - 1])
            index = bisect_right(ends, ordered[index - 1].start, 0, index - 1)
        else:
            index -= 1
    return chosen[::-1]


class PlaceTagger:
    """Finds the places a text in matching form names; see the module docstring."""

    def __init__(
        self, gazetteer: Gazetteer, *, jurisdiction: Iterable[str] = (), min_short: int = 2
    ) -> None:
        self.gazetteer = gazetteer
        self.jurisdiction = frozenset(code.strip() for code in jurisdiction if code.strip())
        self.min_short = min_short
        self._version = -1
        self._automaton: Any = None

    def _matcher(self) -> Any:
        # Rebuilt when add_local changed the gazetteer; shared through its memo,
        # so taggers over the same data build the automaton once.
        if self._version != self.gazetteer.version:
            memo = self.gazetteer.memo()
            key = ("places.automaton", self.min_short, ahocorasick is None)
            if key not in memo:
                memo[key] = _build_automaton(self.gazetteer, self.min_short)
            self._automaton = memo[key]
            self._version = self.gazetteer.version
        return self._automaton

    def in_jurisdiction(self, place: Place) -> bool:
        return not self.jurisdiction.isdisjoint(place.path)

    def tag(self, norm_text: str) -> list[PlaceHit]:
        """Places named in ``norm_text`` (already in matching form), by position."""
        matches = [
            (end + 1 - length, end + 1, cands)
            for end, (length, cands) in self._matcher().iter(norm_text)
        ]
        if not matches:
            return []
        context = _Context(matches)
        decided: list[_Decision] = []
        for start, end, cands in matches:
            if not cands:  # a blocker word: claims its span, names nothing
                decided.append(_Decision(start, end, None, _score(start, end, _BLOCKER_BONUS)))
                continue
            viable, choice, backed = self._resolve(cands, start, end, context)
            if viable:  # resolved, or ambiguous: either way it claims its span
                kind = choice.kind if choice else min(c.kind for c in viable)
                bonus = _KIND_BONUS[kind] + (_SUPPORT_BONUS if backed else 0)
                decided.append(_Decision(start, end, choice, _score(start, end, bonus)))
        return [
            PlaceHit(d.choice.place, d.start, d.end, norm_text[d.start : d.end])
            for d in _best_cover(decided)
            if d.choice is not None
        ]

    def _resolve(
        self, cands: tuple[_Cand, ...], start: int, end: int, context: _Context
    ) -> tuple[list[_Cand], _Cand | None, bool]:
        """(viable candidates, the chosen one or None, whether it is supported)."""
        viable: list[_Cand] = []
        supported: list[tuple[int, _Cand]] = []  # (distance to the support, candidate)
        for cand in cands:
            if cand.need == _PARENT:
                gap = context.names(cand.place.parent, start, end)
                allowed = gap is not None
            else:
                gap = context.support(cand.place, start, end)
                allowed = gap is not None or cand.need == _NONE
                allowed = allowed or (cand.need == _LOCAL and self.in_jurisdiction(cand.place))
            if allowed:
                viable.append(cand)
                if gap is not None:
                    supported.append((gap, cand))
        if supported:
            # The nearest support decides: 北京…,长春朝阳区 is Changchun's 朝阳区.
            nearest = min(gap for gap, _ in supported)
            near = [cand for gap, cand in supported if gap == nearest]
            backed = [cand for _, cand in supported]
            local = [cand for cand in backed if self.in_jurisdiction(cand.place)]
            return viable, _pick(near) or _pick(backed) or _pick(local), True
        local = [cand for cand in viable if self.in_jurisdiction(cand.place)]
        return viable, _pick(local or viable), False

    def is_local(self, hits: Sequence[PlaceHit]) -> bool:
        """涉我: some hit lies within the subtree of a jurisdiction code."""
        return any(self.in_jurisdiction(hit.place) for hit in hits)
