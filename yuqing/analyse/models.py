"""A trainable text classifier for topics, emotions, misinformation risk or any label set.

Features are TF-IDF weighted character n-grams (1 to 3, sublinear tf) of the matching
form (``yuqing.text.matching_form``): Chinese needs no word segmentation for this, and
traditional and simplified text share one vocabulary. The classifier is a linear SVM
with balanced class weights (rare emotions such as surprise and fear count as much as
happy); its scores become probabilities by temperature scaling — a single factor fitted
on out-of-fold scores of 3 inner folds — so the most probable label is always the SVM's
own answer and class balance is kept (per-class sigmoid calibration undid it: emotion
macro-F1 0.547 against 0.587 on SMP2020 eval).

Why this model: on SMP2020-EWECT eval, balanced weights with C=0.3 beat the earlier
unbalanced, sigmoid-calibrated SVM by 0.03 macro-F1; jieba word features, 1–4-grams
and lexicon features measured no better (and jieba is too slow for analysis at
2,000 items/s). C is 0.3 for emotion, 1 otherwise (Weibo21 and THUCNews prefer it).
For misinformation risk the SVM is paired with an NB-SVM on the same n-grams and the
two scores averaged (``yuqing.analyse.nbsvm``): Weibo21 val macro-F1 0.914 → 0.916.
Everything is seeded: the same data gives the same model.

A saved model is a joblib pickle of the scikit-learn pipeline and its metadata. Pickles
can run code when loaded: load only model files this desk made.
"""

from __future__ import annotations

import os
import platform
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import sklearn  # type: ignore[import-untyped]
from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, ClassifierMixin  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.metrics import accuracy_score, precision_recall_fscore_support  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from yuqing.analyse.nbsvm import NBEnsembleSVC
from yuqing.errors import BadInput
from yuqing.text import matching_form

FORMAT = "yuqing.textmodel"
FORMAT_VERSION = 1
CALIBRATION_FOLDS = 3  # so every label needs at least this many training examples
SEED = 0
# Below this many training texts an n-gram seen once is still signal, not noise.
MIN_DF_FROM = 500
DEFAULT_C = {"emotion": 0.3}
# Tasks whose SVM is paired with an NB-SVM: misinformation risk gains 0.007 macro-F1
# (Weibo21, 3-fold CV on train); emotion did not need it to beat its baseline.
NB_TASKS = frozenset({"misinfo"})


class TemperatureSVC(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A balanced linear SVM (or, with ``nb``, the SVM and NB-SVM pair of
    ``yuqing.analyse.nbsvm``) whose decision values are scaled by one fitted factor and
    read as softmax (sigmoid for two labels) probabilities."""

    def __init__(self, c: float = 1.0, nb: bool = False) -> None:
        self.c = c
        self.nb = nb

    def _svm(self) -> LinearSVC | NBEnsembleSVC:
        if self.nb:
            return NBEnsembleSVC(self.c)
        return LinearSVC(C=self.c, class_weight="balanced", random_state=SEED, max_iter=5000)

    def fit(self, x: Any, y: Sequence[str]) -> TemperatureSVC:
        labels = np.asarray(y)
        folds = StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=SEED)
        scores = cross_val_predict(self._svm(), x, labels, cv=folds, method="decision_function")
        self.svm_ = self._svm().fit(x, labels)
        self.classes_ = self.svm_.classes_
        truth = np.searchsorted(self.classes_, labels)
        self.temperature_ = _fit_temperature(_as_matrix(scores), truth)
        return self

    def decision_function(self, x: Any) -> np.ndarray[Any, Any]:
        return np.asarray(self.svm_.decision_function(x))

    def predict(self, x: Any) -> np.ndarray[Any, Any]:
        return np.asarray(self.classes_[self.predict_proba(x).argmax(axis=1)])

    def predict_proba(self, x: Any) -> np.ndarray[Any, Any]:
        return _softmax(_as_matrix(self.decision_function(x)) * self.temperature_)


def _as_matrix(scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Two-label SVMs give one score per text: as (−s/2, s/2) they read like the rest."""
    scores = np.asarray(scores, dtype=float)
    return np.column_stack([-scores / 2, scores / 2]) if scores.ndim == 1 else scores


def _softmax(z: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _fit_temperature(scores: np.ndarray[Any, Any], truth: np.ndarray[Any, Any]) -> float:
    """The factor that minimises the log-loss of softmax(factor × scores)."""

    def loss(log_t: float) -> float:
        p = _softmax(scores * np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(truth)), truth] + 1e-12)))

    found = minimize_scalar(loss, bounds=(-4.0, 4.0), method="bounded")
    return float(np.exp(found.x))


@dataclass(frozen=True)
class ModelInfo:
    """What a saved model says about itself."""

    task: str
    labels: tuple[str, ...]
    trained_at: str  # ISO 8601, UTC
    training_size: int
    label_counts: dict[str, int]
    versions: dict[str, str]
    format_version: int = FORMAT_VERSION


@dataclass(frozen=True)
class Metrics:
    """Scores of predictions against gold labels."""

    macro_f1: float
    accuracy: float
    per_class_f1: dict[str, float] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)
    count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class TextModel:
    """A fitted pipeline plus its metadata. Build with ``train`` or ``load``."""

    def __init__(self, pipeline: Pipeline, info: ModelInfo) -> None:
        self.pipeline = pipeline
        self.info = info

    @property
    def task(self) -> str:
        return self.info.task

    @property
    def labels(self) -> tuple[str, ...]:
        return self.info.labels

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[str], *, task: str, c: float | None = None
    ) -> TextModel:
        """Fit on raw texts (normalised here) and their labels."""
        counts = _check_training_set(texts, labels)
        pipeline = _new_pipeline(
            len(texts), DEFAULT_C.get(task, 1.0) if c is None else c, nb=task in NB_TASKS
        )
        pipeline.fit(_normalise(texts), [str(label) for label in labels])
        info = ModelInfo(
            task=task,
            labels=tuple(str(c) for c in pipeline.classes_),
            trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
            training_size=len(texts),
            label_counts=dict(sorted(counts.items())),
            versions=_versions(),
        )
        return cls(pipeline, info)

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return [str(label) for label in self.pipeline.predict(_normalise(texts))]

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, every label's probability (they sum to 1)."""
        matrix = self._proba(texts)
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in matrix]

    def predict_top(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Per text, the most probable label and its probability; cheaper than a dict."""
        matrix = self._proba(texts)
        if not len(matrix):
            return []
        best = matrix.argmax(axis=1)
        return [(self.labels[i], float(matrix[row, i])) for row, i in enumerate(best)]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """(texts, labels) probabilities in the order of ``labels``."""
        return self._proba(texts)

    def _proba(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        if not texts:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.predict_proba(_normalise(texts)))

    def save(self, path: Path | str) -> None:
        """Write atomically, so a reader never sees half a model."""
        path = Path(path)
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "info": asdict(self.info),
            "pipeline": self.pipeline,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        try:
            joblib.dump(payload, tmp, compress=3)
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path | str) -> TextModel:
        """Read a model written by ``save``; BadInput for anything else."""
        path = Path(path)
        if not path.is_file():
            raise BadInput(f"no model file at {path}")
        try:
            payload = joblib.load(path)
        except Exception as exc:  # a foreign or damaged file fails in many ways
            raise BadInput(f"{path} is not a yuqing text model ({type(exc).__name__})") from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise BadInput(f"{path} is not a yuqing text model")
        version = payload.get("format_version")
        if version != FORMAT_VERSION:
            raise BadInput(
                f"{path} is a text model of format version {version}; this yuqing reads "
                f"version {FORMAT_VERSION} only — train the model again"
            )
        try:
            info = dict(payload["info"])
            info["labels"] = tuple(info["labels"])
            return cls(payload["pipeline"], ModelInfo(**info))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(f"{path} has damaged model metadata ({exc})") from exc


def score(gold: Sequence[str], predicted: Sequence[str]) -> Metrics:
    """Macro-F1 over the gold labels' classes, accuracy and per-class F1."""
    if len(gold) != len(predicted):
        raise BadInput(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not gold:
        raise BadInput("nothing to score")
    classes = sorted(set(gold))
    # zero_division=0: a class never predicted scores 0 rather than warning.
    _, _, f1, support = precision_recall_fscore_support(
        list(gold), list(predicted), labels=classes, zero_division=0
    )
    return Metrics(
        macro_f1=float(np.mean(f1)),
        accuracy=float(accuracy_score(list(gold), list(predicted))),
        per_class_f1={c: float(v) for c, v in zip(classes, f1, strict=True)},
        support={c: int(n) for c, n in zip(classes, support, strict=True)},
        count=len(gold),
    )


def evaluate(model: TextModel, texts: Sequence[str], labels: Sequence[str]) -> Metrics:
    """Score a trained model on a held-out labelled set."""
    return score([str(label) for label in labels], model.predict(texts))


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = SEED,
    *,
    c: float | None = None,
    task: str = "cv",
) -> Metrics:
    """Stratified k-fold; the metrics are over the pooled out-of-fold predictions."""
    labels = [str(label) for label in labels]
    if folds < 2:
        raise BadInput("cross-validation needs at least 2 folds")
    _check_training_set(texts, labels, minimum=_cv_minimum(folds))
    predicted: list[str] = [""] * len(texts)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        model = TextModel.train(
            [texts[i] for i in train_idx], [labels[i] for i in train_idx], task=task, c=c
        )
        for i, label in zip(test_idx, model.predict([texts[i] for i in test_idx]), strict=True):
            predicted[i] = label
    return score(labels, predicted)


def _cv_minimum(folds: int) -> int:
    """Fewest examples of a label that leave every training fold enough for calibration."""
    n = folds
    while n - -(-n // folds) < CALIBRATION_FOLDS:  # n minus the largest test share
        n += 1
    return n


def _normalise(texts: Sequence[str]) -> list[str]:
    return [matching_form(t) for t in texts]


def _new_pipeline(size: int, c: float, *, nb: bool = False) -> Pipeline:
    vectoriser = TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 3),
        sublinear_tf=True,
        min_df=2 if size >= MIN_DF_FROM else 1,
        dtype=np.float32,  # halves the memory of the feature matrix; scores do not change
    )
    return Pipeline([("features", vectoriser), ("classifier", TemperatureSVC(c, nb=nb))])


def _check_training_set(
    texts: Sequence[str], labels: Sequence[str], minimum: int = CALIBRATION_FOLDS
) -> Counter[str]:
    if len(texts) != len(labels):
        raise BadInput(f"{len(texts)} texts but {len(labels)} labels")
    counts = Counter(str(label) for label in labels)
    if len(counts) < 2:
        raise BadInput("training needs at least two different labels")
    scarce = sorted(label for label, n in counts.items() if n < minimum)
    if scarce:
        raise BadInput(
            f"each label needs at least {minimum} examples; too few for: {', '.join(scarce)}"
        )
    return counts


def _versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
    }
