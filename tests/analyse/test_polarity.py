"""Desk polarity: the trained model, its training files, and the sentiment analysis stores."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from yuqing.analyse.desk_sentiment import DeskSentiment
from yuqing.analyse.polarity import (
    PolarityModel,
    cross_validate_polarity,
    emotion_to_polarity,
    polarity_label,
)
from yuqing.analyse.sentiment import LexiconSentiment
from yuqing.analyse.training_data import read_training
from yuqing.errors import BadInput

_KINDS = {
    "负面": ["太气人了", "求救没人管", "买不到口罩急死了", "投诉无门"],
    "正面": ["感谢医护", "治愈出院好消息", "致敬辛苦了", "加油必胜"],
    "中性": ["发布通告", "截至今日累计报告", "新增确诊病例2例", "请市民知悉"],
}


def polar_set(seed: int = 3, per: int = 15) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, phrases in _KINDS.items():
        for i in range(per):
            texts.append(
                rng.choice(phrases) + "，" + "".join(rng.sample("城区街道今天社区居民", 4)) + str(i)
            )
            labels.append(label)
    return texts, labels


def test_labels_and_emotion_mapping() -> None:
    assert polarity_label("negative") == "负面" and polarity_label(" 中性 ") == "中性"
    assert polarity_label("happy") is None
    assert emotion_to_polarity("fear") == "负面" and emotion_to_polarity("neutral") == "中性"


def test_model_learns_desk_polarity_and_cross_validates() -> None:
    texts, labels = polar_set()
    model = PolarityModel.train(texts, labels)
    answers = model.predict(["新增确诊病例3例，截至今日累计报告", "感谢医护，治愈出院好消息"])
    assert answers == ["中性", "正面"]
    scores = cross_validate_polarity(texts, labels, groups=["a"] * 30 + ["b"] * 15, folds=3)
    assert scores.macro_f1 > 0.8 and set(scores.by_group) == {"a", "b"}
    with pytest.raises(BadInput, match="not 负面"):
        PolarityModel.train(["a", "b"], ["好", "坏"])


def test_desk_sentiment_prefers_the_polarity_model() -> None:
    texts, labels = polar_set()
    bulletin = "新增确诊病例2例，截至今日累计报告，请市民知悉"
    lexicon_only = DeskSentiment()
    assert lexicon_only.source == "lexicon"
    assert lexicon_only.analyse(bulletin).label == LexiconSentiment().analyse(bulletin).label
    desk = DeskSentiment(polarity=PolarityModel.train(texts, labels))
    found = desk.analyse(bulletin)
    assert desk.source == "model" and found.label == "neutral" and -1 <= found.score <= 1
    assert desk.analyse_many([]) == []


def test_lexicon_reads_bulletins_as_neutral() -> None:
    lexicon = LexiconSentiment()
    bulletin = "四川新增确诊病例1例，新增治愈出院病例20例，无新增死亡病例。"
    assert lexicon.analyse(bulletin).label == "neutral"
    assert lexicon.analyse("太气人了，投诉没人管！").label == "negative"


def test_polarity_files_take_emotion_labels_as_extra(tmp_path: Path) -> None:
    desk = tmp_path / "desk.jsonl"
    desk.write_text(
        json.dumps({"text": "新增确诊2例", "polarity": "中性"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    smp = tmp_path / "smp.json"
    records = [{"content": "新增确诊2例", "label": "fear"}, {"content": "好开心", "label": "happy"}]
    smp.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    training = read_training("polarity", [desk, smp])
    assert training.texts == ["新增确诊2例"] and training.labels == ["中性"]
    assert training.extra_texts == ["好开心"] and training.extra_labels == [
        "正面"
    ]  # repeat dropped
    only_smp = read_training("polarity", [smp])
    assert only_smp.labels == ["负面", "正面"] and not only_smp.extra_texts
