"""A reranker for claim candidates, learnt from the desk's own fact-check library.

It turns a candidate's cosine and its gap to the item's best cosine into the
probability that it is the right claim (a logistic regression: calibration that
keeps the cosine order). No labelled item → claim pairs are needed to start: the
library teaches itself. Each fact-check's clarification (long, written about
the claim, like an item that discusses it) is a query whose right answer is its
own claim; two fact-checks of different authorities whose clarifications are
each other's nearest neighbour are the same rumour told twice, so each claim is
a query for the other; and every match an analyst confirmed or rejected on the
item page is a labelled pair of its own. The wrong answers are the other
first-pass candidates of the same query.

Weighing more than the cosine was tried and measured (cross-fitted on a real
library and on real rumour posts, bench/eval_claims.py): the longest shared run
of characters, the IDF share of the claim's 3-grams in the item, the rarest
shared 3-gram (names, places), the claim's numbers found in or missing from the
item. None raised recall@3 on the posts, and together they lowered the
explanation queries' recall@1 (0.627 → 0.609), so the reranker has none of them.

Until a library has enough pairs (a new desk), fixed weights stand in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

log = logging.getLogger(__name__)

FEATURES = ("cosine", "cosine_gap")  # the gap: cosine minus the item's best (0 for the top)
MIN_POSITIVES = 30  # fewer right answers than this and the fixed weights stay
# Fixed weights (one per feature, in FEATURES order) for a library too small to
# learn from, set by hand: the first-pass order. Probabilities from them are rough.
_FALLBACK = (8.0, 8.0)
_FALLBACK_BIAS = -4.0


@dataclass(frozen=True)
class Reranker:
    """Logistic weights over the candidate features, and where they came from."""

    weights: tuple[float, ...] = _FALLBACK
    bias: float = _FALLBACK_BIAS
    trained_on: int = 0  # training pairs (0: the fixed weights)
    positives: int = 0

    def probabilities(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if features.size == 0:
            return np.zeros(len(features))
        logits = features @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float64)


@dataclass
class TrainingPairs:
    """Feature rows of (query, candidate) pairs and whether the candidate is right."""

    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def add(self, features: Sequence[Sequence[float]], right: Sequence[bool]) -> None:
        self.rows.extend(list(f) for f in features)
        self.labels.extend(int(r) for r in right)

    @property
    def positives(self) -> int:
        return sum(self.labels)


def fit(pairs: TrainingPairs) -> Reranker:
    """Weights learnt from the pairs, or the fixed ones when there are too few."""
    positives = pairs.positives
    if positives < MIN_POSITIVES or positives == len(pairs.labels):
        log.info("claim reranker: %d right answers to learn from, fixed weights kept", positives)
        return Reranker()
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(np.asarray(pairs.rows), np.asarray(pairs.labels))
    weights = tuple(float(w) for w in model.coef_[0])
    if weights[0] + weights[1] <= 0.0:  # would reverse the cosine order: nothing learnt
        log.warning(
            "claim reranker: learnt weights %s reverse the ranking, fixed ones kept", weights
        )
        return Reranker()
    log.info(
        "claim reranker learnt from %d pairs (%d right): %s",
        len(pairs.labels),
        positives,
        ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)),
    )
    return Reranker(weights, float(model.intercept_[0]), len(pairs.labels), positives)
