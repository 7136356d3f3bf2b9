"""Desk polarity — 负面 / 中性 / 正面 as the desk reads an item — as a trained model.

The labels follow the desk's annotation guidelines: a complaint, a plea, panic or a
sensational claim is 负面; thanks, praise and good news 正面; a bulletin, a notice or
a calm debunk 中性 — so an official report of new cases is 中性, which an emotion
lexicon gets wrong.

Features: TF-IDF of character 1–3-grams of the matching form, and five columns from
the training-free lexicon (its score, whether it calls the text positive or negative,
whether the text opens like a news headline, its length). The classifier is a
multinomial logistic regression with balanced class weights.

Training takes the desk's own polarity labels and, optionally, extra texts labelled
with emotions (SMP2020-EWECT style: happy → 正面; angry, sad, fear, surprise → 负面;
neutral → 中性) at a lower weight (``EXTRA_WEIGHT``): more posts, but labelled for
another question. Labels may be written 负面/中性/正面 or negative/neutral/positive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

from yuqing.analyse.sentiment import LABEL_MIN, LexiconSentiment, Sentiment, default_lexicon
from yuqing.errors import BadInput
from yuqing.text import matching_form

POLARITIES = ("负面", "中性", "正面")
SENTIMENT_OF = {"负面": "negative", "中性": "neutral", "正面": "positive"}
_SYNONYMS = {
    **{p: p for p in POLARITIES},
    **{v: k for k, v in SENTIMENT_OF.items()},
    "neg": "负面",
    "pos": "正面",
    "neu": "中性",
}
EMOTION_POLARITY = {
    "happy": "正面",
    "angry": "负面",
    "sad": "负面",
    "fear": "负面",
    "surprise": "负面",
    "neutral": "中性",
}
EXTRA_WEIGHT = 0.3
C = 10.0
SEED = 0


def polarity_label(raw: str) -> str | None:
    """A desk polarity from 负面/中性/正面, negative/neutral/positive; None otherwise."""
    return _SYNONYMS.get(raw.strip().lower())


def emotion_to_polarity(raw: str) -> str | None:
    return EMOTION_POLARITY.get(raw.strip().lower())


@dataclass(frozen=True)
class PolarityScores:
    macro_f1: float
    accuracy: float
    per_class_f1: dict[str, float]
    by_group: dict[str, tuple[float, float, int]]  # group → (macro-F1, accuracy, items)
    count: int


class PolarityModel:
    task = "polarity"

    def __init__(self, vectoriser: TfidfVectorizer, classifier: LogisticRegression) -> None:
        self.vectoriser = vectoriser
        self.classifier = classifier

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.classifier.classes_)

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        extra_texts: Sequence[str] = (),
        extra_labels: Sequence[str] = (),
        extra_weight: float = EXTRA_WEIGHT,
        c: float = C,
    ) -> PolarityModel:
        gold = _check(texts, labels)
        extra = _check(extra_texts, extra_labels, allow_empty=True)
        norm = [matching_form(t) for t in (*texts, *extra_texts)]
        vectoriser = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=2 if len(norm) >= 500 else 1,
            dtype=np.float32,
        )
        x = sp.hstack([vectoriser.fit_transform(norm), lexicon_features(norm)], format="csr")
        weights = np.r_[np.ones(len(gold)), np.full(len(extra), extra_weight)]
        classifier = LogisticRegression(
            C=c, class_weight="balanced", max_iter=3000, random_state=SEED
        )
        classifier.fit(x, [*gold, *extra], sample_weight=weights)
        return cls(vectoriser, classifier)

    def probabilities(
        self, norm_texts: Sequence[str], lexicon: Sequence[Sentiment] | None = None
    ) -> np.ndarray:
        if not norm_texts:
            return np.zeros((0, len(self.labels)))
        x = sp.hstack(
            [self.vectoriser.transform(norm_texts), lexicon_features(norm_texts, lexicon)],
            format="csr",
        )
        return np.asarray(self.classifier.predict_proba(x))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [label for label, _ in self.predict_norm([matching_form(t) for t in texts])]

    def predict_norm(
        self, norm_texts: Sequence[str], lexicon: Sequence[Sentiment] | None = None
    ) -> list[tuple[str, float]]:
        """Per text its polarity and the signed score P(正面) − P(负面) in −1..1."""
        matrix = self.probabilities(norm_texts, lexicon)
        if not len(matrix):
            return []
        labels = self.labels
        positive, negative = labels.index("正面"), labels.index("负面")
        best = matrix.argmax(axis=1)
        signed = matrix[:, positive] - matrix[:, negative]
        return [(labels[i], round(float(s), 4)) for i, s in zip(best, signed, strict=True)]


def lexicon_features(
    norm_texts: Sequence[str], found: Sequence[Sentiment] | None = None
) -> sp.csr_matrix:
    lexicon: LexiconSentiment = default_lexicon()
    feelings = found if found is not None else [lexicon.analyse_normalised(t) for t in norm_texts]
    rows = [
        (
            f.score,
            f.score > LABEL_MIN,
            f.score < -LABEL_MIN,
            t.startswith("【") or "】" in t[:60],
            min(len(t), 300) / 300,
        )
        for t, f in zip(norm_texts, feelings, strict=True)
    ]
    return sp.csr_matrix(np.array(rows, dtype=np.float32).reshape(len(rows), 5))


def cross_validate_polarity(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    extra_texts: Sequence[str] = (),
    extra_labels: Sequence[str] = (),
    folds: int = 5,
    seed: int = SEED,
) -> PolarityScores:
    """Stratified k-fold over the desk's labels (by label and group); the extra texts
    are in every training fold and never scored."""
    gold = _check(texts, labels)
    group = list(groups) if groups is not None else ["all"] * len(gold)
    strata = [f"{g}|{label}" for g, label in zip(group, gold, strict=True)]
    predicted = [""] * len(gold)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(gold)), _mergeable(strata, folds)):
        model = PolarityModel.train(
            [texts[i] for i in train_idx],
            [gold[i] for i in train_idx],
            extra_texts=extra_texts,
            extra_labels=extra_labels,
        )
        for i, label in zip(test_idx, model.predict([texts[i] for i in test_idx]), strict=True):
            predicted[i] = label
    return score_polarity(gold, predicted, group)


def score_polarity(
    gold: Sequence[str], predicted: Sequence[str], groups: Sequence[str] | None = None
) -> PolarityScores:
    group = list(groups) if groups is not None else ["all"] * len(gold)
    per_class = f1_score(gold, predicted, labels=list(POLARITIES), average=None, zero_division=0)
    by_group: dict[str, tuple[float, float, int]] = {}
    for name in sorted(set(group)):
        idx = [i for i, g in enumerate(group) if g == name]
        g_gold = [gold[i] for i in idx]
        g_pred = [predicted[i] for i in idx]
        by_group[name] = (
            float(f1_score(g_gold, g_pred, average="macro", zero_division=0)),
            float(accuracy_score(g_gold, g_pred)),
            len(idx),
        )
    return PolarityScores(
        macro_f1=float(np.mean(per_class)),
        accuracy=float(accuracy_score(gold, predicted)),
        per_class_f1={p: round(float(v), 4) for p, v in zip(POLARITIES, per_class, strict=True)},
        by_group=by_group,
        count=len(gold),
    )


def _mergeable(strata: list[str], folds: int) -> list[str]:
    """Strata too small to split k ways fall back to their label alone."""
    counts = Counter(strata)
    return [s if counts[s] >= folds else s.split("|")[-1] for s in strata]


def _check(texts: Sequence[str], labels: Sequence[str], *, allow_empty: bool = False) -> list[str]:
    if len(texts) != len(labels):
        raise BadInput(f"{len(texts)} texts but {len(labels)} polarity labels")
    if not texts and not allow_empty:
        raise BadInput("training needs labelled texts")
    out: list[str] = []
    for position, raw in enumerate(labels, start=1):
        label = polarity_label(str(raw))
        if label is None:
            raise BadInput(f"record {position}: {raw!r} is not 负面, 中性 or 正面")
        out.append(label)
    return out
