"""Key terms of a set of posts (关键词 / 词云), weighted against the desk's whole stream.

Candidate terms are character n-grams (2 to 4) inside runs of Chinese characters and
Latin words of 2+ letters, taken from the matching form, so simplified and traditional
copies count as one term. Each term is counted once per post (document frequency), in
the target set and in a background sample of the stream, and scored by Dunning's
log-likelihood ratio (G²); only terms more frequent in the target than in the
background are kept. Why n-grams rather than jieba words: the terms a desk needs
most are new ones (熏醋, 喷洒消毒) that a dictionary splits into single characters, and
the n-gram counts need no segmentation pass.

A fragment is dropped when a longer term holding it occurs in nearly as many posts
(``FRAGMENT_SHARE``): 熏白 goes when 熏白醋 is there. Stop words (function words of
posts) and the desk's own names (its city and units, which every local post
mentions) are never terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yuqing.text import matching_form

MIN_N, MAX_N = 2, 4
MIN_POSTS = 2  # a term must occur in at least this many target posts
# A post's terms are read from its opening: what a headline or post is about is said
# first, and reading whole articles made an event's terms 10 times slower (measured); 140
# characters is a Weibo post, or a headline and its lead.
OPENING_CHARS = 140
SIGNIFICANT = 3.84  # G² at p < 0.05 with one degree of freedom
FRAGMENT_SHARE = 0.8
_RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z]{2,}")
# Particles and pronouns that begin or end an n-gram straddling two words (信阳的口,
# 么办): a term never starts or ends with one of them (ours, measured on real replies).
EDGE_CHARS = frozenset("的了么吗呢啊吧着过们和与也都就还又在是我你他她它这那个被把给很太呀哦嘛啦怎")
START_CHARS = frozenset("到向为说对让将")
_BAD_START = EDGE_CHARS | START_CHARS
INNER_CHARS = frozenset("的了吗呢")  # never inside a term either
_INNER_SPLIT = re.compile("[" + "".join(sorted(INNER_CHARS)) + "]")
MERGE_ROUNDS = 12
MAX_GROWTH = 10  # characters a term may grow by to the phrase holding it
GROWTH_SAMPLE = 50
_CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Function words and post boilerplate that are never a key term (ours).
STOP_TERMS = frozenset(
    """
    我们 你们 他们 她们 大家 自己 什么 怎么 这个 那个 这些 那些 这样 那样 一个 一下 一些
    没有 不是 就是 还是 但是 因为 所以 如果 可以 已经 现在 今天 昨天 明天 时候 真的 知道
    觉得 还有 而且 然后 只是 这么 那么 为了 以及 或者 的话 一样 这里 那里 哪里 转发 微博
    回复 全文 展开 网页 链接 视频 图片 评论 分享 http https www com cn
    """.split()
)


@dataclass(frozen=True)
class Term:
    term: str
    score: float  # G², higher is more characteristic
    posts: int  # target posts holding it
    background: int  # background posts holding it
    significant: bool = True  # G² beyond SIGNIFICANT; else a frequent term filling the list


def post_terms(text: str) -> set[str]:
    """The candidate terms of one post (each once)."""
    return _opening_terms(matching_form(text[:OPENING_CHARS]))


def _opening_terms(opening: str) -> set[str]:
    """The candidate terms of a post's opening, in matching form."""
    found: set[str] = set()
    for whole in _RUNS.findall(opening):
        if whole.isascii():
            found.add(whole)
            continue
        for run in _INNER_SPLIT.split(whole):
            for n in range(MIN_N, MAX_N + 1):
                for i in range(len(run) - n + 1):
                    gram = run[i : i + n]
                    if _good_gram(gram):
                        found.add(gram)
    return found


def document_frequency(texts: Iterable[str]) -> tuple[Counter[str], int]:
    """Posts holding each term. Identical texts (an event's copies) are read once and
    counted as often as they occur."""
    return _frequency(_openings(texts))


def _openings(texts: Iterable[str]) -> Counter[str]:
    """Each distinct opening (in matching form) once, with its posts."""
    openings: Counter[str] = Counter()
    for text, n in Counter(texts).items():
        openings[matching_form(text[:OPENING_CHARS])] += n
    return openings


def _frequency(openings: Counter[str]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    for opening, n in openings.items():
        for term in _opening_terms(opening):
            counts[term] += n
    return counts, sum(openings.values())


def _good_gram(gram: str) -> bool:
    """No particle at either end (runs are already split at INNER_CHARS)."""
    return gram[0] not in _BAD_START and gram[-1] not in EDGE_CHARS


@dataclass(frozen=True)
class Background:
    """Document frequencies of a sample of the stream."""

    counts: Counter[str]
    docs: int

    @classmethod
    def of(cls, texts: Iterable[str]) -> Background:
        counts, docs = document_frequency(texts)
        return cls(counts, docs)


def log_likelihood(a: int, n1: int, b: int, n2: int) -> float:
    """Dunning's G² for a term in a of n1 target posts and b of n2 background posts."""
    total = n1 + n2
    hits = a + b
    g2 = 0.0
    for observed, row, col in (
        (a, n1, hits),
        (n1 - a, n1, total - hits),
        (b, n2, hits),
        (n2 - b, n2, total - hits),
    ):
        expected = row * col / total if total else 0.0
        if observed > 0 and expected > 0:
            g2 += observed * math.log(observed / expected)
    return 2.0 * g2


def key_terms(
    texts: Sequence[str],
    background: Background,
    *,
    exclude: Iterable[str] = (),
    limit: int = 40,
) -> list[Term]:
    """The target posts' most characteristic terms, best first."""
    openings = _openings(texts)  # read once: the counts and the phrases come from them
    counts, docs = _frequency(openings)
    if not docs:
        return []
    banned = Banned(set(STOP_TERMS) | own_roots(exclude))
    candidates = {t: n for t, n in counts.items() if n >= MIN_POSTS and not banned(t)}
    candidates = _drop_fragments(candidates)
    scored: list[Term] = []
    frequent: list[tuple[float, Term]] = []
    n2 = max(background.docs, 1)
    for term, a in candidates.items():
        b = background.counts.get(term, 0)
        g2 = log_likelihood(a, docs, b, n2)
        if a / docs > b / n2 and g2 >= SIGNIFICANT:
            scored.append(Term(term, round(g2, 2), a, b))
        else:  # when the target is much of the stream itself, weight like TF-IDF
            frequent.append((a * math.log((n2 + 1) / (b + 1)), Term(term, 0.0, a, b, False)))
    scored.sort(key=lambda t: (-t.score, -t.posts, t.term))
    pool = _merge_overlaps(scored[: limit * 3], [matching_form(t) for t in texts], background)
    kept = _without_overlaps(pool, limit)
    if len(kept) < limit:
        frequent.sort(key=lambda wt: (-wt[0], wt[1].term))
        kept = _without_overlaps(kept + [t for _, t in frequent[: limit * 3]], limit)
    return _whole_phrases(kept, openings, banned, background.docs)


def _posts(phrase: str, openings: Counter[str]) -> int:
    return sum(n for text, n in openings.items() if phrase in text)


def _whole_phrases(
    terms: list[Term], openings: Counter[str], banned: Banned, n2: int
) -> list[Term]:
    """Each term grown to the phrase it is nearly always part of (场责令整 → 当场责令整改,
    an n-gram cut from a longer phrase no single n-gram holds), its posts counted again;
    one that grows into the desk's own name (岚市市场监督管 → 青岚市市场监督管理局) goes."""
    out: list[Term] = []
    seen: set[str] = set()
    for term in terms:
        phrase = _grown(term.term, openings) or term.term
        if phrase != term.term and banned(phrase):
            continue
        # Counted in the openings the terms are read from (a joined phrase was counted
        # in whole texts), so that a term's posts are the posts that show it.
        posts = _posts(phrase, openings)
        if posts < MIN_POSTS:
            continue
        grown = term
        if (phrase, posts) != (term.term, term.posts):
            docs = sum(openings.values())
            score = log_likelihood(posts, docs, term.background, max(n2, 1))
            grown = Term(
                phrase,
                round(score, 2) if term.significant else 0.0,
                posts,
                term.background,
                term.significant,
            )
        if grown.term not in seen:
            seen.add(grown.term)
            out.append(grown)
    return out


def _shared(neighbours: Counter[str], bad: frozenset[str]) -> str | None:
    """The Chinese character nearly every occurrence has on this side, if any."""
    seen = sum(neighbours.values())
    if not seen:
        return None
    char, n = neighbours.most_common(1)[0]
    good = bool(_CHINESE.fullmatch(char)) and char not in bad
    return char if good and n >= FRAGMENT_SHARE * seen else None


def _grown(term: str, openings: Counter[str]) -> str | None:
    """Add the neighbouring character that nearly every occurrence shares, side by side,
    while there is one (Chinese characters only, never a particle at the edge). None
    when it is still growing after MAX_GROWTH: a piece of one sentence repeated word for
    word (a rumour reposted), where the n-gram itself stays the term."""
    if term.isascii():
        return term
    # Neighbours read from the first GROWTH_SAMPLE distinct openings holding the term
    # (an event's copies read once, counted as often as they occur): a share of
    # FRAGMENT_SHARE shows in fifty, and reading every post made an event's
    # terms slower by half (measured at 100k items).
    holding = [(text, n) for text, n in openings.items() if term in text][:GROWTH_SAMPLE]
    for _ in range(MAX_GROWTH):
        left: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for text, n in holding:
            start = text.find(term)
            while start != -1:
                end = start + len(term)
                left[text[start - 1] if start else ""] += n
                right[text[end] if end < len(text) else ""] += n
                start = text.find(term, start + 1)
        before = _shared(left, _BAD_START)
        if before:
            term = before + term
            continue
        after = _shared(right, EDGE_CHARS)
        if not after:
            return term
        term += after
    return None


# Suffixes of division and unit names: 青岚市 is also written 青岚.
_NAME_SUFFIXES = ("街道", "社区", "市", "区", "县", "镇", "乡", "村")


def own_roots(names: Iterable[str]) -> set[str]:
    """The desk's own names in matching form, each also without its division suffix."""
    roots: set[str] = set()
    for raw in names:
        name = matching_form(raw)
        if not name:
            continue
        roots.add(name)
        for suffix in _NAME_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                roots.add(name[: -len(suffix)])
                break
    return roots


class Banned:
    """What is never a term: a stop word, a name of the desk's own, a term holding one
    (of two characters or more), or a name short of an end character (青岚 for 青岚市).
    Sets built once, then a few look-ups a term: a period's candidates are thousands,
    and comparing each with every name took a fifth of its key terms (measured)."""

    def __init__(self, names: set[str]) -> None:
        self.inside = frozenset(n for n in names if len(n) >= 2)
        self.near = frozenset(part for n in names for part in (n, n[1:], n[:-1]) if part)

    def __call__(self, term: str) -> bool:
        if term in self.near:
            return True
        n = len(term)
        return any(term[i:j] in self.inside for i in range(n - 1) for j in range(i + 2, n + 1))


def _drop_fragments(candidates: dict[str, int]) -> dict[str, int]:
    """Drop an n-gram when an (n+1)-gram holding it occurs in nearly as many posts."""
    covered: set[str] = set()
    for term, n in candidates.items():
        if len(term) <= MIN_N or term.isascii():
            continue
        for part in (term[:-1], term[1:]):
            if part in candidates and n >= FRAGMENT_SHARE * candidates[part]:
                covered.add(part)
    return {t: n for t, n in candidates.items() if t not in covered}


def _merge_overlaps(terms: list[Term], norms: list[str], background: Background) -> list[Term]:
    """Join terms that are pieces of one longer phrase (黄连口服 + 连口服液 → 黄连口服液)
    when the phrase itself occurs in nearly as many posts as its pieces."""
    docs, n2 = len(norms), max(background.docs, 1)
    for _ in range(MERGE_ROUNDS):
        merged = False
        for i, left in enumerate(terms):
            for right in terms[i + 1 :]:
                phrase = _joined(left.term, right.term) or _joined(right.term, left.term)
                if phrase is None:
                    continue
                low, high = sorted((left.posts, right.posts))
                if low < FRAGMENT_SHARE * high:
                    continue  # one piece stands on its own far more often
                posts = sum(phrase in text for text in norms)
                if posts < FRAGMENT_SHARE * low:
                    continue
                b = min(left.background, right.background)
                joined = Term(phrase, round(log_likelihood(posts, docs, b, n2), 2), posts, b)
                terms = [t for t in terms if t not in (left, right)] + [joined]
                merged = True
                break
            if merged:
                break
        if not merged:
            break
    return sorted(terms, key=lambda t: (-t.score, -t.posts, t.term))


def _joined(left: str, right: str) -> str | None:
    """``left`` then ``right`` overlapping by at least one character, if they do."""
    if left.isascii() or right.isascii() or left in right or right in left:
        return None
    for k in range(min(len(left), len(right)) - 1, 0, -1):
        if left[-k:] == right[:k]:
            return left + right[k:]
    return None


def _without_overlaps(scored: list[Term], limit: int) -> list[Term]:
    """Best first; a term inside a better one already kept (or holding one) is skipped
    when it adds few posts of its own."""
    kept: list[Term] = []
    for term in scored:
        near = [
            k for k in kept if (term.term in k.term or k.term in term.term) and k.term != term.term
        ]
        if any(term.posts <= k.posts / FRAGMENT_SHARE for k in near):
            continue
        kept.append(term)
        if len(kept) >= limit:
            break
    return kept
