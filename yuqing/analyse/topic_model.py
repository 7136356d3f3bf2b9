"""A multi-label topic model for the configured taxonomy, trained from labels *and* seeds.

An item may carry 0 to 3 topics, so each topic is its own yes/no question:

* features: TF-IDF of character 1–3-grams of the matching form; TF-IDF of Latin-script
  words and word pairs (English wire items, whose character trigrams say little: 59
  of the 800 dev items, micro-F1 on them 0.57 → 0.63); and the seeds — one column per
  seed that hit and one per topic holding its seed score (``Taxonomy.tag``) — so a
  desk's keywords steer the model where the labelled examples are few;
* per topic a linear SVM (balanced class weights, ``C``) whose decision values are
  calibrated (Platt: a one-feature logistic fit on out-of-fold decision values of an
  inner k-fold), and a threshold on the calibrated probability chosen on the same
  out-of-fold values to maximise that topic's F1;
* a topic with fewer than ``MIN_EXAMPLES`` positive (or negative) examples gets no
  classifier: its seeds stay the answer (``fallback``).

Prediction is one sparse matrix product for all topics and a batch of texts. The
weights are kept as a dense float32 matrix (features × topics), a few MB.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import KFold, StratifiedKFold  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from yuqing.analyse.topics import Taxonomy, TopicHit
from yuqing.errors import BadInput
from yuqing.text import matching_form

MIN_EXAMPLES = 5
MAX_TOPICS = 3  # the guidelines give an item at most three topics
# Seed columns weigh about as much as several strong n-grams; 6 rather than 3 measured
# 0.7486 against 0.7437 micro-F1 with the word features (5-fold CV, dev set).
SEED_SCALE = 6.0
OLD_SEED_SCALE = 3.0  # what model files written before the scale was stored used
WORD_SCALE = 0.7  # Latin words: below the characters, which carry most items
_LATIN_WORD = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"
_HAS_LATIN_WORD = re.compile(_LATIN_WORD)
INNER_FOLDS = 3
C = 0.5
SEED = 0
_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)


@dataclass(frozen=True)
class TopicScores:
    """Micro- and macro-F1 over the taxonomy's topics, and each topic's F1."""

    micro_f1: float
    macro_f1: float
    per_topic_f1: dict[str, float]
    support: dict[str, int]
    count: int


class TopicModel:
    """Build with ``train``; ``predict_norm`` answers per text its (topic, probability)."""

    task = "topics"

    def __init__(
        self,
        vectoriser: TfidfVectorizer,
        seeds: Mapping[str, Sequence[str]],
        modelled: Sequence[str],
        weights: np.ndarray,  # (features, modelled topics)
        calibration: np.ndarray,  # (modelled topics, 3): intercept, slope a, offset b
        thresholds: np.ndarray,
        *,
        words: TfidfVectorizer | None = None,
        seed_scale: float = SEED_SCALE,
    ) -> None:
        self.vectoriser = vectoriser
        self.words = words  # None: no Latin words in the training texts
        self.seed_scale = seed_scale
        self.seeds = {k: list(v) for k, v in seeds.items()}
        self.taxonomy = Taxonomy.from_mapping(self.seeds)
        self.modelled = tuple(modelled)
        self.weights = weights
        self.calibration = calibration
        self.thresholds = thresholds
        self._seed_index = _seed_index(self.taxonomy)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.modelled

    @property
    def fallback(self) -> tuple[str, ...]:
        """Topics of the taxonomy answered by their seeds alone."""
        return tuple(n for n in self.taxonomy.names if n not in self.modelled)

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        topics: Sequence[Sequence[str]],
        taxonomy: Taxonomy,
        *,
        c: float = C,
    ) -> TopicModel:
        """Fit on raw texts and their topic lists (labels outside the taxonomy are an error)."""
        norm = [matching_form(t) for t in texts]
        y = _targets(topics, taxonomy.names, len(texts))
        vectoriser = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=2 if len(texts) >= 500 else 1,
            dtype=np.float32,
        )
        mapping = {t.name: list(t.seeds) for t in taxonomy.topics}
        model = cls(
            vectoriser, mapping, (), np.zeros((0, 0), np.float32), np.zeros((0, 3)), np.zeros(0)
        )
        x = model._features(norm, fit=True)
        modelled, columns, calibrations, thresholds = [], [], [], []
        for j, name in enumerate(taxonomy.names):
            target = y[:, j]
            if min(int(target.sum()), int(len(target) - target.sum())) < MIN_EXAMPLES:
                continue
            weights, calibration, threshold = _fit_topic(x, target, c)
            modelled.append(name)
            columns.append(weights)
            calibrations.append(calibration)
            thresholds.append(threshold)
        width = x.shape[1] + 1
        model.modelled = tuple(modelled)
        model.weights = (
            np.stack(columns, axis=1).astype(np.float32)
            if columns
            else np.zeros((width, 0), np.float32)
        )
        model.calibration = np.array(calibrations).reshape(-1, 3)
        model.thresholds = np.array(thresholds, dtype=float)
        return model

    def predict(self, texts: Sequence[str]) -> list[list[TopicHit]]:
        return self.predict_norm([matching_form(t) for t in texts])

    def predict_norm(
        self, norm_texts: Sequence[str], seed_hits: Sequence[list[TopicHit]] | None = None
    ) -> list[list[TopicHit]]:
        """Per text: the modelled topics over their threshold (with the seeds that also
        hit, as the explanation) and the fallback topics' seed hits, best first, at most 3.
        ``seed_hits`` saves tagging again when the caller has this model's seeds' hits."""
        if not norm_texts:
            return []
        hits = (
            list(seed_hits) if seed_hits is not None else [self.taxonomy.tag(t) for t in norm_texts]
        )
        probabilities = self.probabilities(norm_texts, hits)
        fallback = set(self.fallback)
        out: list[list[TopicHit]] = []
        for row, found in zip(probabilities, hits, strict=True):
            seeds_of = {h.topic: h.seeds for h in found}
            chosen = [
                TopicHit(name, round(float(p), 4), seeds_of.get(name, ()), "model")
                for name, p, t in zip(self.modelled, row, self.thresholds, strict=True)
                if p >= t
            ]
            chosen += [h for h in found if h.topic in fallback]
            chosen.sort(key=lambda h: -h.score)
            out.append(chosen[:MAX_TOPICS])
        return out

    def probabilities(
        self, norm_texts: Sequence[str], seed_hits: Sequence[list[TopicHit]]
    ) -> np.ndarray:
        """Calibrated probability of each modelled topic, (texts, modelled topics)."""
        x = self._features(norm_texts, hits=seed_hits)
        raw = np.asarray(x @ self.weights[:-1] + self.weights[-1])
        slope, offset = self.calibration[:, 1], self.calibration[:, 2]
        return np.asarray(1.0 / (1.0 + np.exp(-(raw * slope + offset))))

    def _features(
        self,
        norm: Sequence[str],
        *,
        fit: bool = False,
        hits: Sequence[list[TopicHit]] | None = None,
    ) -> sp.csr_matrix:
        text_part = self.vectoriser.fit_transform(norm) if fit else self.vectoriser.transform(norm)
        parts = [text_part]
        if fit:
            self.words = _latin_words(norm)
        words = getattr(self, "words", None)  # model files from before the word features
        if words is not None:
            parts.append(_word_part(words, norm))
        found = hits if hits is not None else [self.taxonomy.tag(t) for t in norm]
        parts.append(self._seed_part(found))
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def _seed_part(self, found: Sequence[list[TopicHit]]) -> sp.csr_matrix:
        names = {n: i for i, n in enumerate(self.taxonomy.names)}
        n_seeds = len(self._seed_index)
        rows, cols, vals = [], [], []
        for r, hits in enumerate(found):
            for hit in hits:
                rows.append(r)
                cols.append(n_seeds + names[hit.topic])
                vals.append(hit.score * getattr(self, "seed_scale", OLD_SEED_SCALE))
                for seed in hit.seeds:
                    rows.append(r)
                    cols.append(self._seed_index[(hit.topic, seed)])
                    vals.append(1.0)
        shape = (len(found), n_seeds + len(names))
        return sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)


def cross_validate_topics(
    texts: Sequence[str],
    topics: Sequence[Sequence[str]],
    taxonomy: Taxonomy,
    folds: int = 5,
    seed: int = SEED,
    *,
    c: float = C,
) -> TopicScores:
    """k-fold (shuffled); scores over the pooled out-of-fold predictions."""
    if folds < 2:
        raise BadInput("cross-validation needs at least 2 folds")
    y = _targets(topics, taxonomy.names, len(texts))
    predicted = np.zeros_like(y)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(texts))):
        model = TopicModel.train(
            [texts[i] for i in train_idx], [topics[i] for i in train_idx], taxonomy, c=c
        )
        for i, hits in zip(test_idx, model.predict([texts[i] for i in test_idx]), strict=True):
            for hit in hits:
                predicted[i, taxonomy.names.index(hit.topic)] = 1
    return score_topics(y, predicted, taxonomy.names)


def score_topics(gold: np.ndarray, predicted: np.ndarray, names: Sequence[str]) -> TopicScores:
    per_topic = f1_score(gold, predicted, average=None, zero_division=0)
    return TopicScores(
        micro_f1=float(f1_score(gold, predicted, average="micro", zero_division=0)),
        macro_f1=float(np.mean(per_topic)),
        per_topic_f1={n: round(float(v), 4) for n, v in zip(names, per_topic, strict=True)},
        support={n: int(v) for n, v in zip(names, gold.sum(axis=0), strict=True)},
        count=len(gold),
    )


def topic_matrix(topics: Sequence[Sequence[str]], names: Sequence[str]) -> np.ndarray:
    return _targets(topics, names, len(topics))


def _targets(topics: Sequence[Sequence[str]], names: Sequence[str], size: int) -> np.ndarray:
    if len(topics) != size:
        raise BadInput(f"{size} texts but {len(topics)} topic lists")
    index = {n: i for i, n in enumerate(names)}
    y = np.zeros((size, len(names)), dtype=np.int8)
    for row, labels in enumerate(topics):
        for label in labels:
            if label not in index:
                raise BadInput(f"record {row + 1}: topic {label!r} is not in the taxonomy")
            y[row, index[label]] = 1
    return y


def _fit_topic(
    x: sp.csr_matrix, target: np.ndarray, c: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weights (features + bias), Platt calibration and threshold for one topic."""
    folds = min(INNER_FOLDS, int(target.sum()), int(len(target) - target.sum()))
    oof = np.zeros(len(target))
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(
        x, target
    ):
        inner = _classifier(c).fit(x[train_idx], target[train_idx])
        oof[test_idx] = inner.decision_function(x[test_idx])
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(oof.reshape(-1, 1), target)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    calibrated = 1.0 / (1.0 + np.exp(-(oof * a + b)))
    best = float(_GRID[int(np.argmax(_f1_grid(target, calibrated)))])
    final = _classifier(c).fit(x, target)
    weights = np.append(final.coef_[0], final.intercept_[0])
    return weights, np.array([0.0, a, b]), best


def _f1_grid(target: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """F1 of "probability >= t" for every t of the grid, in one pass."""
    chosen = probability[None, :] >= _GRID[:, None]
    true_pos = (chosen & (target[None, :] == 1)).sum(axis=1)
    return np.asarray(2 * true_pos / np.maximum(chosen.sum(axis=1) + target.sum(), 1))


def _classifier(c: float) -> LinearSVC:
    return LinearSVC(C=c, class_weight="balanced", random_state=SEED, max_iter=5000)


def _word_part(words: TfidfVectorizer, norm: Sequence[str]) -> sp.csr_matrix:
    """Latin-word columns; only texts with a Latin word go through the vectoriser
    (most posts have none, and tokenising every text halved the tagger's speed)."""
    rows = [i for i, t in enumerate(norm) if _HAS_LATIN_WORD.search(t)]
    width = len(words.vocabulary_)
    if not rows:
        return sp.csr_matrix((len(norm), width), dtype=np.float32)
    found = sp.csr_matrix(words.transform([norm[i] for i in rows]) * WORD_SCALE)
    placed = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, np.arange(len(rows)))),
        shape=(len(norm), len(rows)),
    )
    return sp.csr_matrix(placed @ found)


def _latin_words(norm: Sequence[str]) -> TfidfVectorizer | None:
    """Words and word pairs of Latin script, fitted on ``norm``; None when it has none."""
    words = TfidfVectorizer(
        token_pattern=_LATIN_WORD, ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32
    )
    try:
        words.fit(norm)
    except ValueError:  # "empty vocabulary": not one Latin word in the training texts
        return None
    return words


def _seed_index(taxonomy: Taxonomy) -> dict[tuple[str, str], int]:
    index: dict[tuple[str, str], int] = {}
    for topic in taxonomy.topics:
        for seed in topic.seeds:
            index[(topic.name, seed)] = len(index)
    return index
