"""The SVM + NB-SVM pair behind the misinformation-risk model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from tests.analyse.test_models import tiny_set
from yuqing.analyse.models import TextModel
from yuqing.analyse.nbsvm import NBEnsembleSVC

_FAKE = ["网传", "紧急扩散", "速看", "震惊", "转发救人", "内部消息"]
_REAL = ["通报", "发布会", "记者获悉", "据新华社", "官方", "公告"]


def two_label_set(per_label: int = 20) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(3)
    texts, labels = [], []
    for label, words in (("fake", _FAKE), ("real", _REAL)):
        for _ in range(per_label):
            picked = rng.choice(words, size=2, replace=False)
            texts.append("".join(picked) + "今天的消息" + str(rng.integers(100)))
            labels.append(label)
    return texts, labels


def features(texts: list[str]) -> tuple[TfidfVectorizer, object]:
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    return vectoriser, vectoriser.fit_transform(texts)


def test_two_labels_score_like_linear_svc() -> None:
    texts, labels = two_label_set()
    vectoriser, x = features(texts)
    model = NBEnsembleSVC().fit(x, labels)
    assert list(model.classes_) == ["fake", "real"]
    probe = vectoriser.transform(["网传内部消息", "据新华社官方通报"])
    scores = model.decision_function(probe)
    assert scores.shape == (2,)
    assert scores[0] < 0 < scores[1]  # positive for the second label, as LinearSVC
    assert list(model.predict(probe)) == ["fake", "real"]


def test_several_labels_one_score_each() -> None:
    texts, labels = tiny_set(per_label=15)
    vectoriser, x = features(texts)
    model = NBEnsembleSVC(c=0.5).fit(x, labels)
    probe = vectoriser.transform(["菜价涨价太贵了", "孩子的网课和考试", "高速卡口要通行证"])
    assert model.decision_function(probe).shape == (3, 3)
    assert list(model.predict(probe)) == ["price", "school", "traffic"]


def test_misinfo_model_uses_the_pair_and_round_trips(tmp_path: Path) -> None:
    texts, labels = two_label_set()
    model = TextModel.train(texts, labels, task="misinfo")
    assert isinstance(model.pipeline.named_steps["classifier"].svm_, NBEnsembleSVC)
    plain = TextModel.train(texts, labels, task="emotion")
    assert not isinstance(plain.pipeline.named_steps["classifier"].svm_, NBEnsembleSVC)
    probe = ["网传紧急扩散", "发布会公告"]
    proba = model.predict_proba(probe)
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in proba)
    assert model.predict(probe) == ["fake", "real"]
    path = tmp_path / "misinfo.joblib"
    model.save(path)
    again = TextModel.load(path)
    assert again.predict_proba(probe) == proba
    assert TextModel.train(texts, labels, task="misinfo").predict_proba(probe) == proba
