"""A reranker for claim candidates, learnt from the desk's own fact-check library.

No labelled item → claim pairs are needed to start: the library teaches itself.
Each fact-check's clarification (long, written about the claim, like an item
that discusses it) is a query whose right answer is its own claim; two
fact-checks of different authorities whose clarifications are each other's
nearest neighbour are the same rumour told twice, so each claim is a query for
the other; and every match an analyst confirmed or rejected on the item page is
a labelled pair of its own. The wrong answers are the other first-pass
candidates of the same query. A logistic regression over
:data:`~yuqing.analyse.claim_features.FEATURES` then gives each candidate a
probability of being the right claim, which the item page shows in two tiers.

Until a library has enough such pairs (a new desk), fixed weights stand in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from yuqing.analyse.claim_features import FEATURES

log = logging.getLogger(__name__)

# The features the regression weighs. Cross-fitted on a real library (bench/eval_matching,
# bench/eval_claims), adding the evidence features to the first-pass score and its gap
# to the item's best lowered recall (explanation queries r@1 0.627 -> 0.609) and left
# real posts' recall@3 where it was, so they stay computed, shown in the log, unused.
LEARNT = ("cosine", "cosine_gap")
MIN_POSITIVES = 30  # fewer right answers than this and the fixed weights stay
# Fixed weights (one per feature, in FEATURES order) for a library too small to
# learn from, set by hand: the first-pass order. Probabilities from them are rough.
_FALLBACK = (8.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
_FALLBACK_BIAS = -4.0


@dataclass(frozen=True)
class Reranker:
    """Logistic weights over the candidate features, and where they came from."""

    weights: tuple[float, ...] = _FALLBACK
    bias: float = _FALLBACK_BIAS
    trained_on: int = 0  # training pairs (0: the fixed weights)
    positives: int = 0

    @property
    def first_pass_order(self) -> bool:
        """Whether the probabilities keep the first-pass order: only the cosine and its
        gap to the item's best are weighed, with a positive sum."""
        cosine, gap, *evidence = self.weights
        return not any(evidence) and cosine + gap > 0

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
    used = [FEATURES.index(name) for name in LEARNT]
    model.fit(np.asarray(pairs.rows)[:, used], np.asarray(pairs.labels))
    learnt = dict(zip(used, (float(w) for w in model.coef_[0]), strict=True))
    weights = tuple(learnt.get(i, 0.0) for i in range(len(FEATURES)))
    log.info(
        "claim reranker learnt from %d pairs (%d right): %s",
        len(pairs.labels),
        positives,
        ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)),
    )
    return Reranker(weights, float(model.intercept_[0]), len(pairs.labels), positives)
