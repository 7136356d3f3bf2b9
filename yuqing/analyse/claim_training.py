"""Training pairs for the claim reranker, from the library and the analysts' decisions.

See ``claim_rerank.py`` for why these pairs: a clarification asks for its own
claim; cross-authority fact-checks of the same rumour (their clarifications
each other's nearest neighbour) ask for each other; a confirmed match asks for
its claim and a rejected one is a wrong answer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from yuqing.analyse.claim_rerank import Reranker, TrainingPairs, fit
from yuqing.analyse.claims import ClaimMatcher, _prepare

MIN_CLARIFICATION = 20  # characters of a clarification long enough to be a query
PAIR_COSINE = 0.2  # clarification similarity of two fact-checks of one rumour
MAX_QUERIES = 4000  # of each kind, so a 20,000-claim library trains in seconds


@dataclass(frozen=True, slots=True)
class LibraryClaim:
    claim_id: int
    text: str
    clarification: str = ""
    authority: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """An analyst's verdict on a shown candidate: the item's text and the claim."""

    item_text: str
    claim_id: int
    confirmed: bool


def train_reranker(
    matcher: ClaimMatcher,
    claims: Sequence[LibraryClaim],
    decisions: Sequence[Decision] = (),
    *,
    seed: int = 0,
) -> Reranker:
    """A reranker learnt from the matcher's own library (and decisions, if any)."""
    return fit(training_pairs(matcher, claims, decisions, seed=seed))


def training_pairs(
    matcher: ClaimMatcher,
    claims: Sequence[LibraryClaim],
    decisions: Sequence[Decision] = (),
    *,
    seed: int = 0,
) -> TrainingPairs:
    pairs = TrainingPairs()
    rng = random.Random(seed)
    explained = [c for c in claims if len(c.clarification) >= MIN_CLARIFICATION]
    if len(explained) > MAX_QUERIES:
        explained = rng.sample(explained, MAX_QUERIES)
    _add(matcher, pairs, [(c.clarification, c.claim_id, None) for c in explained])
    partners = same_rumour_pairs(claims)
    if len(partners) > MAX_QUERIES:
        partners = rng.sample(partners, MAX_QUERIES)
    _add(
        matcher,
        pairs,
        [(a.text, b.claim_id, matcher.row_of(a.claim_id)) for a, b in partners]
        + [(b.text, a.claim_id, matcher.row_of(b.claim_id)) for a, b in partners],
    )
    _add_decisions(matcher, pairs, decisions)
    return pairs


def _add(
    matcher: ClaimMatcher, pairs: TrainingPairs, queries: Sequence[tuple[str, int, int | None]]
) -> None:
    """Each query's first-pass candidates, right where the candidate is the wanted claim."""
    targets = [matcher.row_of(claim_id) for _, claim_id, _ in queries]
    found = matcher.features_for([text for text, _, _ in queries], [s for _, _, s in queries])
    for (rows, features), target in zip(found, targets, strict=True):
        if rows and target is not None and target in rows:
            pairs.add(features, [row == target for row in rows])


def _add_decisions(
    matcher: ClaimMatcher, pairs: TrainingPairs, decisions: Sequence[Decision]
) -> None:
    found = matcher.features_for([d.item_text for d in decisions])
    for decision, (rows, features) in zip(decisions, found, strict=True):
        target = matcher.row_of(decision.claim_id)
        if target in rows:
            n = rows.index(target)
            pairs.add(features[n : n + 1], [decision.confirmed])


def same_rumour_pairs(claims: Sequence[LibraryClaim]) -> list[tuple[LibraryClaim, LibraryClaim]]:
    """Claims of different authorities whose clarifications are each other's nearest
    neighbour (character 2–3-gram TF-IDF cosine >= PAIR_COSINE), different in text."""
    rows = [c for c in claims if len(c.clarification) >= MIN_CLARIFICATION and c.authority]
    if len(rows) < 2 or len({c.authority for c in rows}) < 2:
        return []
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform([_prepare(c.clarification) for c in rows])
    authorities = np.array([c.authority for c in rows])
    nearest = np.zeros(len(rows), dtype=np.int64)
    best = np.zeros(len(rows))
    for start in range(0, len(rows), 1000):  # blocks: a 20,000-claim library is 400M pairs
        sims = (matrix[start : start + 1000] @ matrix.T).toarray()
        same = authorities[start : start + 1000, None] == authorities[None, :]
        sims[same] = 0.0  # an authority lists a rumour once
        nearest[start : start + 1000] = sims.argmax(axis=1)
        best[start : start + 1000] = sims.max(axis=1)
    return [
        (rows[a], rows[b])
        for a, b in enumerate(nearest.tolist())
        if a < b
        and nearest[b] == a
        and best[a] >= PAIR_COSINE
        and _prepare(rows[a].text) != _prepare(rows[b].text)
    ]
