"""Fact-check library matching: which known claims might this item be repeating?

The analyst sees the top three claims with a tier (高度匹配 / 可能相关) and confirms
a match in one click, so the job is ranking first and then a probability honest
enough to say how sure the ranking is.

Items and claims are compared as TF-IDF vectors of single characters and
character bigrams (no word segmentation: it survives the spelling variation of
rumours and both scripts once the matching form has folded them), by cosine.
A logistic reranker learnt from the library itself (``claim_rerank.py``) turns
each candidate's cosine and its gap to the item's best into the probability
that it is the right claim, which is the score shown and sets the tier.

A debunk is matched by what it quotes: a long claim text with quoted passages
(经查，此微博称“……”不实) is compared by those passages alone. Template text is no
evidence either: a platform's debunks share long formulas (被举报人言论构成“发布
不实信息”……), so stretches of 12 or more characters made of 6-grams found in many
distinct claims are cut out of every claim. Claims with the same text (a rumour
filed twice) are one candidate, shown by the first added. URLs are dropped: their
letters and digits are noise.

A quote found in many claims (the platform's own 构成“发布不实信息”) is formula,
not rumour, and the platform's sanction on the poster (被举报人言论……扣除信用积分)
is no part of a claim.

On 171 real fake Weibo posts against a library of 1,841 fact-checks including
their debunks (bench/eval_claims.py), these raised the debunk's recall@1 from
0.45 to 0.67 and recall@3 from 0.71 to 0.86; character 1-2-grams still beat
1-3, 2-3 and 1-4-grams, and BM25 weighting of 1-3-grams (r@3 0.74) did not help.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from yuqing.analyse.claim_rerank import Reranker
from yuqing.analyse.dedupe import bare_form
from yuqing.text import matching_form

DEFAULT_K = 3
# An item whose best candidate scores below this probability shows none; else its
# top three are shown, those at or above HIGH_SCORE as 高度匹配, the rest 可能相关.
# Both were picked looking at the real posts of
# bench/eval_claims.py (which prints how each tier fares): at 0.15, 86% of posts
# show their debunk (84% at 0.2, 82.5% at 0.25) and a quarter of real replies show
# anything (a fifth at 0.2); a 高度匹配 first candidate is right three times in four.
SHOW_SCORE = 0.15
HIGH_SCORE = 0.5
DEFAULT_MIN_SCORE = SHOW_SCORE
TIERS = {"high": "高度匹配", "possible": "可能相关"}
NGRAM_RANGE = (1, 2)
COMMON_SHARE = 0.1
COMMON_MIN_CLAIMS = 1000
FIRST_PASS = 20  # candidates per training query
MIN_ITEM_CHARS = 10  # letters and digits an item needs to be matched at all
FIRST_PASS_FLOOR = 0.05  # an item whose best cosine is lower has no candidates
TEMPLATE_GRAM = 6  # characters of a template n-gram
TEMPLATE_MIN_CLAIMS = 10  # ... found in at least this many distinct claims
TEMPLATE_SHARE = 0.005  # ... or this share of them, whichever is more
TEMPLATE_RUN = 12  # characters of a shared stretch that is cut as template
# Scoring a block of items at once keeps the dense score matrix small.
_BLOCK = 256
_URL = re.compile(r"(?:https?://|www\.|t\.cn/)[\x21-\x7e]*")
# Account names (//@南宁铁路: in a repost chain, @环球网 in a debunk) say who, not what.
_MENTION = re.compile(r"@[^\s:：,，。!！?？@/)）]{1,30}[:：]?")
# A debunk quotes the rumour it refutes (经查，此微博称“……”不实): the quote is the claim.
_QUOTE = re.compile(r"[“「『\"]([^”」』\"]{4,})[”」』\"]")
QUOTING_LENGTH = 60  # characters from which a claim that quotes is matched by its quotes
# A platform's debunk ends with its sanction on the poster (被举报人言论构成“发布不实
# 信息”……扣除信用积分2分): about the person, not the claim. Two notices that differ
# only there are one fact-check.
_SANCTION = re.compile(r"被(?:举报|投诉)人言论.*", re.S)
_CUT = "\x00"


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """A claim the item may repeat, with the reranker's probability in [0, 1]."""

    claim_id: int
    score: float

    @property
    def tier(self) -> str:
        return tier_of(self.score)


def tier_of(score: float) -> str:
    """ "high" (高度匹配) or "possible" (可能相关) for a shown candidate's score."""
    return "high" if score >= HIGH_SCORE else "possible"


def _prepare(text: str) -> str:
    # Matching form again is cheap (~15 µs) and makes the matcher safe for raw
    # text in either script; punctuation is dropped so it makes no n-grams.
    return bare_form(_MENTION.sub(" ", _URL.sub(" ", matching_form(text))))


def fact_check_text(text: str) -> str:
    """The claim text without a platform's sanction on the poster."""
    return _SANCTION.sub("", text)


def claim_quotes(text: str) -> list[str]:
    """The quoted passages of a long claim text (a debunk quoting its rumour)."""
    return _QUOTE.findall(text) if len(text) >= QUOTING_LENGTH else []


def claim_core(text: str, formulas: frozenset[str] = frozenset()) -> str:
    """What of a claim's text is matched: its quoted passages when a long text quotes
    (a debunk), else all of it. Quotes among ``formulas`` (a platform's own quoted
    wording, 构成“发布不实信息”, prepared) are no part of the claim."""
    quotes = [q for q in claim_quotes(text) if _prepare(q) not in formulas]
    return "，".join(quotes) if quotes else text


def formula_quotes(quoted: Iterable[Sequence[str]], claims: int) -> frozenset[str]:
    """Prepared quotes found in many distinct claims: a formula, not a rumour."""
    df: Counter[str] = Counter()
    for quotes in quoted:
        df.update({_prepare(q) for q in quotes})
    least = max(TEMPLATE_MIN_CLAIMS, int(TEMPLATE_SHARE * claims))
    return frozenset(q for q, count in df.items() if count >= least)


def _ngrams(text: str, low: int, high: int) -> list[str]:
    return [
        g
        for n in range(low, high + 1)
        for i in range(len(text) - n + 1)
        if _CUT not in (g := text[i : i + n])
    ]


def strip_template(texts: Sequence[str]) -> list[str]:
    """Each text with the character runs many others share replaced by a cut mark."""
    n = TEMPLATE_GRAM
    df: Counter[str] = Counter()
    for text in texts:
        df.update({text[i : i + n] for i in range(len(text) - n + 1)})
    least = max(TEMPLATE_MIN_CLAIMS, int(TEMPLATE_SHARE * len(texts)))
    common = {g for g, count in df.items() if count >= least}
    if not common:
        return list(texts)
    return [_cut(text, common) for text in texts]


def _cut(text: str, common: set[str]) -> str:
    """The text with each stretch of common n-grams at least TEMPLATE_RUN long cut."""
    n = TEMPLATE_GRAM
    cut = bytearray(len(text))
    for i in range(len(text) - n + 1):
        if text[i : i + n] in common:
            cut[i : i + n] = b"\x01" * n
    # Short shared stretches (新型冠状病毒肺炎) are the claim's words, not a formula.
    for stretch in re.finditer(rb"\x01+", bytes(cut)):
        if stretch.end() - stretch.start() < TEMPLATE_RUN:
            cut[stretch.start() : stretch.end()] = bytes(stretch.end() - stretch.start())
    return "".join(_CUT if c else ch for ch, c in zip(text, cut, strict=True))


class ClaimMatcher:
    """Ranks library claims against item texts. Build with :meth:`build`."""

    def __init__(
        self,
        claims: Sequence[tuple[int, str]],
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        reranker: Reranker | None = None,
    ) -> None:
        self.ngram_range = ngram_range
        self.reranker = reranker or Reranker()
        self._texts: dict[int, str] = {}  # prepared texts: claims of one text are one row
        self._raw: dict[int, str] = {}  # as given: its quotes are read at each fit
        self.add(claims)

    @classmethod
    def build(
        cls,
        claims: Sequence[tuple[int, str]],
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        reranker: Reranker | None = None,
    ) -> ClaimMatcher:
        """A matcher over ``(claim id, claim text)``; a repeated id keeps its last text."""
        return cls(claims, ngram_range, reranker)

    def __len__(self) -> int:
        return len(self._texts)

    @property
    def claim_ids(self) -> list[int]:
        return list(self._texts)

    def add(self, claims: Iterable[tuple[int, str]]) -> None:
        """Add or replace claims, then refit: cheaper and simpler than keeping an
        IDF and a template that drift away from the library."""
        for claim_id, text in claims:
            self._texts[claim_id] = _prepare(text)
            self._raw[claim_id] = text
        self._fit()

    def remove(self, claim_ids: Iterable[int]) -> None:
        """Drop claims (a retracted fact-check, say) and refit."""
        for claim_id in claim_ids:
            self._texts.pop(claim_id, None)
            self._raw.pop(claim_id, None)
        self._fit()

    def _fit(self) -> None:
        # One row per distinct text, shown as the first claim added with it.
        first: dict[str, int] = {}
        for claim_id, text in self._texts.items():
            first.setdefault(text, claim_id)
        distinct = [text for text in first if text]
        self._ids = np.array([first[text] for text in distinct], dtype=np.int64)
        raw = [fact_check_text(self._raw[first[text]]) for text in distinct]
        formulas = formula_quotes((claim_quotes(r) for r in raw), len(raw))
        cores = [
            _prepare(claim_core(r, formulas)) or text for r, text in zip(raw, distinct, strict=True)
        ]
        self._row_of = {text: row for row, text in enumerate(distinct)}
        self._vocabulary: dict[str, int] = {}
        self._claims_t: Any = None  # features x claims, CSR: one sparse product scores all
        if not distinct:
            return
        contents = strip_template(cores)
        self._contents = contents  # what each row is matched by
        low, high = self.ngram_range
        vectorizer = TfidfVectorizer(
            analyzer=lambda text: _ngrams(text, low, high),
            sublinear_tf=True,  # an item repeating 病毒 ten times is not ten times closer
        )
        try:
            self._claims_t = vectorizer.fit_transform(contents).T.tocsr()
        except ValueError:  # no claim has a single n-gram left
            return
        self._vocabulary = vectorizer.vocabulary_
        self._idf: npt.NDArray[np.float64] = vectorizer.idf_
        # N-grams in more than COMMON_SHARE of a large library's claims (的, 病, 新冠) add
        # little to any cosine but most of the product's work: items skip them once their
        # norm is taken. In a small library a shared word can still tell claims apart.
        common = np.log((1 + len(contents)) / (1 + COMMON_SHARE * len(contents))) + 1
        large = len(contents) >= COMMON_MIN_CLAIMS
        self._scored = self._idf > common if large else np.ones(len(self._idf), dtype=bool)

    def _vectors(self, bare_texts: Sequence[str]) -> Any:
        """TF-IDF rows of texts, as the fitted vectorizer would give them. Done here
        because sklearn's transform spends ~0.4 ms checking its input per call."""
        low, high = self.ngram_range
        vocabulary = self._vocabulary
        indptr, indices, values = [0], [], []
        for text in bare_texts:
            counts = Counter(
                text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)
            )
            found = [(vocabulary[g], c) for g, c in counts.items() if g in vocabulary]
            columns = np.array([j for j, _ in found], dtype=np.int64)
            weights = (1.0 + np.log([c for _, c in found])) * self._idf[columns]
            norm = float(np.sqrt(weights @ weights)) if found else 1.0
            kept = self._scored[columns]
            indices.extend(columns[kept].tolist())
            values.extend((weights[kept] / norm).tolist())
            indptr.append(len(indices))
        shape = (len(bare_texts), len(vocabulary))
        return csr_matrix((values, indices, indptr), shape=shape)

    def match(
        self, norm_text: str, k: int = DEFAULT_K, min_score: float = DEFAULT_MIN_SCORE
    ) -> list[ClaimCandidate]:
        """The best ``k`` claims for one item, best first, scores >= ``min_score``."""
        return self.match_many([norm_text], k, min_score)[0]

    def match_many(
        self, texts: Sequence[str], k: int = DEFAULT_K, min_score: float = DEFAULT_MIN_SCORE
    ) -> list[list[ClaimCandidate]]:
        """:meth:`match` for many items at once (one sparse product per block)."""
        return [
            [
                ClaimCandidate(int(self._ids[row]), score)
                for row, score in found
                if score >= min_score
            ]
            for found in self.ranked(texts, k)
        ]

    def shown_many(
        self, texts: Sequence[str], k: int = DEFAULT_K, gate: float = SHOW_SCORE
    ) -> list[list[ClaimCandidate]]:
        """What the item page shows for each text: its best ``k`` candidates, each with
        its tier, when the best of them scores at least ``gate``; else none. A tier,
        not a cut, tells the analyst how strong the second and third are."""
        return [
            [ClaimCandidate(int(self._ids[row]), score) for row, score in found]
            if found and found[0][1] >= gate
            else []
            for found in self.ranked(texts, k)
        ]

    def ranked(self, texts: Sequence[str], k: int) -> list[list[tuple[int, float]]]:
        """(claim row, probability) of each text's best ``k`` candidates, best first."""
        if self._claims_t is None or k < 1:
            return [[] for _ in texts]
        results: list[list[tuple[int, float]]] = []
        for start in range(0, len(texts), _BLOCK):
            block = [_prepare(text) for text in texts[start : start + _BLOCK]]
            scores = (self._vectors(block) @ self._claims_t).tocsr()
            ranked = self._ranked_block(scores, k)
            # Too short to state a claim (一起加油, 感谢钟院士): a shared word is all it has.
            results.extend(
                found if len(text) >= MIN_ITEM_CHARS else []
                for text, found in zip(block, ranked, strict=True)
            )
        return results

    def _ranked_block(self, scores: Any, k: int) -> list[list[tuple[int, float]]]:
        """The best ``k`` by cosine of each row of a block's sparse scores, with their
        probabilities (the reranker keeps the cosine order). Sparse rows, because
        most claims share no scored n-gram with a short item: densifying a block
        against 20,000 claims took most of the time."""
        found: list[list[tuple[int, float]]] = []
        bounds = scores.indptr
        for n in range(scores.shape[0]):
            values = scores.data[bounds[n] : bounds[n + 1]]
            columns = scores.indices[bounds[n] : bounds[n + 1]]
            keep = values > 0.0
            values, columns = values[keep], columns[keep]
            if not values.size or values.max() < FIRST_PASS_FLOOR:
                found.append([])
                continue
            if values.size > k:
                top = np.argpartition(-values, k - 1)[:k]
                values, columns = values[top], columns[top]
            order = np.lexsort((columns, -values))  # ties go to the claim added first
            values, columns = values[order], columns[order]
            features = np.stack([values, values - values[0]], axis=-1)
            probabilities = self.reranker.probabilities(features).round(4)
            found.append([(int(c), float(p)) for c, p in zip(columns, probabilities, strict=True)])
        return found

    def candidates(
        self, cosines: npt.NDArray[np.float64]
    ) -> tuple[list[int], npt.NDArray[np.float64]]:
        """The best :data:`FIRST_PASS` rows of one item's cosines and their features
        (cosine, gap to the item's best), for training the reranker."""
        best = float(cosines.max()) if cosines.size else 0.0
        if best < FIRST_PASS_FLOOR:
            return [], np.zeros((0, 2))
        size = min(FIRST_PASS, cosines.size)
        top = np.argpartition(-cosines, size - 1)[:size] if size < cosines.size else None
        rows = [int(i) for i in (top if top is not None else range(cosines.size))]
        rows = [i for i in rows if cosines[i] > 0.0]
        features = [(float(cosines[i]), float(cosines[i]) - best) for i in rows]
        return rows, np.asarray(features, dtype=np.float64).reshape(len(rows), 2)

    def features_for(
        self, texts: Sequence[str], exclude: Sequence[int | None] | None = None
    ) -> list[tuple[list[int], Any]]:
        """The first-pass rows and feature rows of raw texts, each optionally with one
        row left out (a claim querying the library for its partner; reranker training)."""
        if self._claims_t is None:
            return [([], np.zeros((0, 0))) for _ in texts]
        left_out = list(exclude) if exclude is not None else [None] * len(texts)
        block = [_prepare(text) for text in texts]
        out = []
        for start in range(0, len(block), _BLOCK):
            part = block[start : start + _BLOCK]
            scores = (self._vectors(part) @ self._claims_t).toarray()
            for n, row in enumerate(scores):
                skip = left_out[start + n]
                if skip is not None:
                    row[skip] = 0.0
                out.append(self.candidates(row))
        return out

    def row_of(self, claim_id: int) -> int | None:
        """The candidate row that stands for a claim (shared by claims of the same text)."""
        text = self._texts.get(claim_id)
        return None if text is None else self._row_of.get(text)

    def scores(self, norm_text: str) -> npt.NDArray[np.float64]:
        """First-pass cosine of the item against every claim, in :attr:`claim_ids` order."""
        if self._claims_t is None:
            return np.zeros(len(self._texts))
        row = (self._vectors([_prepare(norm_text)]) @ self._claims_t).toarray()[0]
        rows = [self.row_of(claim_id) for claim_id in self._texts]
        return np.array([row[r] if r is not None else 0.0 for r in rows], dtype=np.float64)
