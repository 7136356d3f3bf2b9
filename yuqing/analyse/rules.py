"""Watch rules: analysts' standing queries, matched against every analysed item.

A rule is parsed once (``Rule.parse``, syntax in ``rules_parser``) and compiled into
a tree of small closures, so matching an item costs a few ``in`` tests on its text.
Chinese has no word breaks, so a word matches as a substring; a word that begins or
ends with an ASCII letter or digit must not touch another one there (``ai`` does
not match "said"). A phrase's gaps match one space, or nothing where a gap touches
a Chinese character ("核酸 检测" matches 核酸检测). ``A NEAR/n B`` holds when some
occurrence of each leaves at most n characters between them, in either order;
overlapping occurrences count as near.

Documents arrive in matching form (``yuqing.text.matching_form``), as the rule's
words are, which makes rules indifferent to traditional or simplified script.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from yuqing.analyse.rules_parser import parse_query, render
from yuqing.analyse.rules_tree import And, Field, Literal, Near, Node, Not, Or, Title
from yuqing.text import matching_form

__all__ = ["MAX_EXAMPLES", "Rule", "RuleDocument", "RuleTrial", "try_rule"]

MAX_EXAMPLES = 20
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ASCII_WORD = re.compile("[0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class RuleDocument:
    """What a rule is matched against; build it from a stored item."""

    text: str  # the item's text in matching form (already normalised by the caller)
    title: str = ""  # matching form
    source: str = ""  # source name (original form; compared in matching form)
    places: frozenset[str] = frozenset()  # place names AND codes the item is tagged with
    topics: frozenset[str] = frozenset()
    lang: str = "zh"
    outlet: bool = False  # from a registered public outlet


@dataclass(frozen=True)
class RuleTrial:
    """A rule tried against history: how many items it matched, and which (indexes)."""

    checked: int
    matched: int
    examples: list[int]


Matcher = Callable[[RuleDocument], bool]


class Rule:
    """A parsed, compiled watch rule. Immutable and safe to share between threads."""

    __slots__ = ("_match", "_tree", "query")

    def __init__(self, query: str, tree: Node) -> None:
        self.query = query
        self._tree = tree
        self._match = _compile(tree)

    @classmethod
    def parse(cls, query: str) -> Rule:
        """Parse and compile ``query``; raises QueryError pointing at the problem."""
        return cls(query, parse_query(query))

    @property
    def tree(self) -> Node:
        return self._tree

    def matches(self, doc: RuleDocument) -> bool:
        return self._match(doc)

    def terms(self) -> list[str]:
        """Words and phrases the rule looks for (not those under NOT), in matching form,
        first appearance first; a phrase keeps one space per gap ("核酸 检测")."""
        found: dict[str, None] = {}
        _positive_literals(self._tree, True, found)
        return list(found)

    def prefilter_terms(self) -> list[str] | None:
        """Terms such that every document the rule matches contains at least one of
        them in its text or title, or None when no such list exists (``NOT x``,
        ``source:…`` alone, ``a OR NOT b``). Use this, not ``terms()``, to narrow a
        search before matching."""
        needed = _needed(self._tree)
        return None if needed is None else list(dict.fromkeys(needed))

    def explain(self) -> str:
        """The canonical rendering, e.g. ``(口罩 AND (涨价 OR 加价))``."""
        return render(self._tree)

    def __repr__(self) -> str:
        return f"Rule({self.explain()!r})"


def try_rule(query: str, documents: Iterable[RuleDocument]) -> RuleTrial:
    """Match a rule against past items before it is saved: counts, and the indexes of
    up to MAX_EXAMPLES matching items. Raises QueryError if the rule does not parse."""
    rule = Rule.parse(query)
    checked = matched = 0
    examples: list[int] = []
    for index, doc in enumerate(documents):
        checked += 1
        if rule.matches(doc):
            matched += 1
            if len(examples) < MAX_EXAMPLES:
                examples.append(index)
    return RuleTrial(checked, matched, examples)


# --- literals ------------------------------------------------------------------------


class _Finder:
    """Finds one literal in a text: a plain substring test when it can, a precompiled
    regex when ASCII word boundaries or optional phrase gaps are involved."""

    __slots__ = ("_all", "_regex", "longest", "needle")

    def __init__(self, literal: Literal) -> None:
        pattern, plain = _pattern(literal.parts)
        # The regex never matches without its longest fixed part, and `in` is far
        # cheaper than a regex search, so that part screens first.
        self.longest = max(literal.parts, key=len)
        self.needle = plain
        self._regex = re.compile(pattern)
        # A lookahead finds overlapping occurrences too, which NEAR needs.
        self._all = re.compile(f"(?=({pattern}))")

    def present(self, text: str) -> bool:
        if self.needle is not None:
            return self.needle in text
        return self.longest in text and self._regex.search(text) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every occurrence as (start, end), by start."""
        if self.needle is None:
            if self.longest not in text:
                return []
            return [(m.start(1), m.end(1)) for m in self._all.finditer(text)]
        spans: list[tuple[int, int]] = []
        size, at = len(self.needle), text.find(self.needle)
        while at >= 0:
            spans.append((at, at + size))
            at = text.find(self.needle, at + 1)
        return spans


def _pattern(parts: tuple[str, ...]) -> tuple[str, str | None]:
    """The regex for a literal, and the plain substring when no regex is needed."""
    pieces = [re.escape(parts[0])]
    optional = False
    for before, after in pairwise(parts):
        # A gap may vanish beside a Chinese character (核酸 检测 ~ 核酸检测), never
        # between two Latin words, which would then run together.
        if _HAN.match(before[-1]) or _HAN.match(after[0]):
            pieces.append(" ?")
            optional = True
        else:
            pieces.append(" ")
        pieces.append(re.escape(after))
    lead = bool(_ASCII_WORD.match(parts[0][0]))
    trail = bool(_ASCII_WORD.match(parts[-1][-1]))
    pattern = (
        ("(?<![0-9A-Za-z])" if lead else "")
        + "".join(pieces)
        + ("(?![0-9A-Za-z])" if trail else "")
    )
    plain = None if optional or lead or trail else " ".join(parts)
    return pattern, plain


def _near(left: _Finder, right: _Finder, distance: int, text: str) -> bool:
    """Whether some occurrences a, b leave at most ``distance`` characters between them:
    b.start <= a.end + distance and b.end >= a.start - distance (either order, overlap
    included)."""
    lefts = left.spans(text)
    if not lefts:
        return False
    rights = right.spans(text)
    if not rights:
        return False
    starts = [start for start, _ in rights]
    widest = max(end - start for start, end in rights)
    for a_start, a_end in lefts:
        # Only rights starting in this window can qualify; bisect keeps long texts
        # with many occurrences from going quadratic.
        low = bisect_left(starts, a_start - distance - widest)
        high = bisect_right(starts, a_end + distance)
        if any(rights[k][1] >= a_start - distance for k in range(low, high)):
            return True
    return False


# --- compiling -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _folded(value: str) -> str:
    """Matching form of a document's source or tag; few distinct values, so cached."""
    return matching_form(value)


def _compile(node: Node) -> Matcher:
    if isinstance(node, Literal):
        return _compile_literal(node)
    if isinstance(node, Field):
        return _compile_field(node)
    if isinstance(node, Title):
        finder = _Finder(node.literal)
        return lambda doc: finder.present(doc.title)
    if isinstance(node, Near):
        left, right, distance = _Finder(node.left), _Finder(node.right), node.distance
        return lambda doc: _near(left, right, distance, doc.text)
    if isinstance(node, Not):
        child = _compile(node.child)
        return lambda doc: not child(doc)
    # Cheap tests first: AND and OR are pure, so order changes only the cost.
    parts = tuple(_compile(c) for c in sorted(node.children, key=_cost))
    return _all_of(parts) if isinstance(node, And) else _any_of(parts)


def _all_of(parts: tuple[Matcher, ...]) -> Matcher:
    # A plain loop: all() over a generator costs a third more per rule than this.
    def match(doc: RuleDocument) -> bool:
        for part in parts:  # noqa: SIM110
            if not part(doc):
                return False
        return True

    return match


def _any_of(parts: tuple[Matcher, ...]) -> Matcher:
    def match(doc: RuleDocument) -> bool:
        for part in parts:  # noqa: SIM110
            if part(doc):
                return True
        return False

    return match


def _compile_literal(literal: Literal) -> Matcher:
    finder = _Finder(literal)
    needle = finder.needle
    if needle is not None:  # the common case: a Chinese word, one `in` per call
        return lambda doc: needle in doc.text
    return lambda doc: finder.present(doc.text)


def _compile_field(node: Field) -> Matcher:
    value = node.value
    if node.name == "source":
        return lambda doc: _folded(doc.source) == value
    if node.name == "place":
        return lambda doc: _tagged(doc.places, value)
    if node.name == "topic":
        return lambda doc: _tagged(doc.topics, value)
    if node.name == "lang":
        # lang:zh also takes zh-hant and zh_cn.
        variants = (value + "-", value + "_")
        return lambda doc: (lang := _folded(doc.lang)) == value or lang.startswith(variants)
    wanted = value == "true"
    return lambda doc: doc.outlet is wanted


def _tagged(tags: frozenset[str], value: str) -> bool:
    return value in tags or any(_folded(tag) == value for tag in tags)


def _cost(node: Node) -> int:
    if isinstance(node, Field):
        return 0
    if isinstance(node, Literal):
        return 1 if len(node.parts) == 1 else 2
    if isinstance(node, Title):
        return 1
    if isinstance(node, Near):
        return 4
    if isinstance(node, Not):
        return _cost(node.child)
    return sum(_cost(child) for child in node.children)


# --- term lists ----------------------------------------------------------------------


def _positive_literals(node: Node, positive: bool, found: dict[str, None]) -> None:
    if isinstance(node, Literal):
        if positive:
            found[node.text] = None
    elif isinstance(node, Title):
        if positive:
            found[node.literal.text] = None
    elif isinstance(node, Near):
        if positive:
            found[node.left.text] = None
            found[node.right.text] = None
    elif isinstance(node, Not):
        _positive_literals(node.child, not positive, found)
    elif isinstance(node, And | Or):
        for child in node.children:
            _positive_literals(child, positive, found)


def _needed(node: Node) -> list[str] | None:
    """Literals at least one of which every match contains; None if there are none."""
    if isinstance(node, Literal):
        return [node.text]
    if isinstance(node, Title):
        return [node.literal.text]
    if isinstance(node, Near):
        # Both sides occur in a match; the longer one is the more selective.
        return [max(node.left.text, node.right.text, key=len)]
    if isinstance(node, And):
        options = [found for child in node.children if (found := _needed(child)) is not None]
        return min(options, key=len) if options else None
    if isinstance(node, Or):
        union: list[str] = []
        for child in node.children:
            found = _needed(child)
            if found is None:
                return None
            union.extend(found)
        return union
    return None  # a field alone, or NOT: matches documents with none of the words
