"""Fact-check library matching: which known claims might this item be repeating?

The analyst sees the top few claims with scores and confirms a match in one
click, so the job is ranking, not deciding: the right claim should be in the
top three, and the scores should let the interface hide hopeless candidates.

Claims and items are compared as TF-IDF vectors of single characters and
character bigrams of the matching form with punctuation removed, by cosine
similarity. Character n-grams need no word segmentation, survive the spelling
variation of rumours (新冠病毒 / 新型冠状病毒) and treat traditional and simplified
script alike once the matching form has folded them. The IDF is fitted on the
claim library itself, so n-grams every claim shares (病毒, 新冠) weigh little.

Measured in ``bench/eval_matching.py`` (paraphrase pairs of the library, and
fact-checkers' explanations as long item-like queries for their own claim):
1–2-grams beat 2–3-grams (explanation → claim recall@3 0.84 vs 0.72; pairs
0.85 vs 0.77), because claims are short and one character (茶, 蒜, 醋) is often
what tells two rumours apart. A keyword-coverage re-rank (share of the claim's
IDF-weighted n-grams found in the item) lowered both figures, so there is none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from yuqing.analyse.dedupe import bare_form
from yuqing.text import matching_form

# Epidemic texts share many characters (病, 毒, 感, 染), so an unrelated item still
# scores about 0.2–0.3 against its closest claim; a right top match scored
# >= 0.22 in 95% of the explanation queries (bench/eval_matching.py). Below 0.2
# a candidate is not worth the analyst's look; the ranking above it is what counts.
DEFAULT_MIN_SCORE = 0.2
DEFAULT_K = 3
NGRAM_RANGE = (1, 2)
# Scoring a block of items at once keeps the dense score matrix small.
_BLOCK = 512


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """A claim the item may repeat, with its cosine score in [0, 1]."""

    claim_id: int
    score: float


def _prepare(text: str) -> str:
    # Matching form again is cheap (~15 µs) and makes the matcher safe for raw
    # text in either script; punctuation is dropped so it makes no n-grams.
    return bare_form(matching_form(text))


class ClaimMatcher:
    """Ranks library claims against item texts. Build with :meth:`build`."""

    def __init__(
        self, claims: Sequence[tuple[int, str]], ngram_range: tuple[int, int] = NGRAM_RANGE
    ) -> None:
        self.ngram_range = ngram_range
        self._texts: dict[int, str] = {}
        self.add(claims)

    @classmethod
    def build(
        cls, claims: Sequence[tuple[int, str]], ngram_range: tuple[int, int] = NGRAM_RANGE
    ) -> ClaimMatcher:
        """A matcher over ``(claim id, claim text)``; a repeated id keeps its last text."""
        return cls(claims, ngram_range)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def claim_ids(self) -> list[int]:
        return [int(i) for i in self._ids]

    def add(self, claims: Iterable[tuple[int, str]]) -> None:
        """Add or replace claims, then refit: 0.1 s for 5,000 claims, cheaper and
        simpler than keeping an IDF that drifts away from the library."""
        for claim_id, text in claims:
            self._texts[claim_id] = _prepare(text)
        self._fit()

    def remove(self, claim_ids: Iterable[int]) -> None:
        """Drop claims (a retracted fact-check, say) and refit."""
        for claim_id in claim_ids:
            self._texts.pop(claim_id, None)
        self._fit()

    def _fit(self) -> None:
        self._ids = np.array(list(self._texts), dtype=np.int64)
        vectorizer = TfidfVectorizer(
            analyzer="char",
            ngram_range=self.ngram_range,
            sublinear_tf=True,  # an item repeating 病毒 ten times is not ten times closer
            lowercase=False,  # the matching form is lower case already
        )
        self._vocabulary: dict[str, int] = {}
        self._claims_t: Any = None  # features x claims, CSR: one sparse product scores all
        if any(self._texts.values()):  # else an empty library, or claims without letters
            self._claims_t = vectorizer.fit_transform(list(self._texts.values())).T.tocsr()
            self._vocabulary = vectorizer.vocabulary_
            self._idf: npt.NDArray[np.float64] = vectorizer.idf_

    def _vectors(self, bare_texts: Sequence[str]) -> Any:
        """TF-IDF rows of texts, as the fitted vectorizer would give them. Done here
        because sklearn's transform spends ~0.4 ms checking its input per call."""
        low, high = self.ngram_range
        indptr, indices, values = [0], [], []
        for text in bare_texts:
            counts = Counter(
                text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)
            )
            found = [(self._vocabulary[g], c) for g, c in counts.items() if g in self._vocabulary]
            columns = np.array([j for j, _ in found], dtype=np.int64)
            weights = (1.0 + np.log([c for _, c in found])) * self._idf[columns]
            norm = float(np.sqrt(weights @ weights)) if found else 1.0
            indices.extend(columns.tolist())
            values.extend((weights / norm).tolist())
            indptr.append(len(indices))
        shape = (len(bare_texts), len(self._vocabulary))
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
        if self._claims_t is None or k < 1:
            return [[] for _ in texts]
        results: list[list[ClaimCandidate]] = []
        for start in range(0, len(texts), _BLOCK):
            block = [_prepare(text) for text in texts[start : start + _BLOCK]]
            scores = (self._vectors(block) @ self._claims_t).toarray()
            results.extend(self._top(row, k, min_score) for row in scores)
        return results

    def scores(self, norm_text: str) -> npt.NDArray[np.float64]:
        """Cosine of the item against every claim, in :attr:`claim_ids` order."""
        if self._claims_t is None:
            return np.zeros(len(self._ids))
        row = (self._vectors([_prepare(norm_text)]) @ self._claims_t).toarray()[0]
        return np.asarray(row, dtype=np.float64)

    def _top(self, row: npt.NDArray[np.float64], k: int, min_score: float) -> list[ClaimCandidate]:
        best = np.argpartition(-row, k - 1)[:k] if k < row.size else np.arange(row.size)
        # Ties go to the claim added first, so results do not depend on argpartition.
        ordered = sorted(best.tolist(), key=lambda i: (-row[i], i))
        return [
            ClaimCandidate(int(self._ids[i]), round(float(row[i]), 4))
            for i in ordered
            if row[i] >= min_score and row[i] > 0.0
        ]
