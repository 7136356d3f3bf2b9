"""The multi-label topic model, the tagger that uses it, cards and model files."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from yuqing.analyse.cards import card_path, list_cards, load_card
from yuqing.analyse.model_files import load_model, load_task, model_file, save_model
from yuqing.analyse.topic_model import (
    OLD_SEED_SCALE,
    SEED_SCALE,
    TopicModel,
    cross_validate_topics,
)
from yuqing.analyse.topics import Taxonomy, TopicTagger
from yuqing.analyse.training import train_and_save
from yuqing.analyse.training_data import read_training
from yuqing.errors import BadInput
from yuqing.text import matching_form

_WORDS = {
    "物价": ["菜价", "太贵", "一斤", "涨价"],
    "学校教育": ["网课", "开学", "老师", "停课"],
    "交通卡口": ["卡口", "高速", "返乡", "通行证"],
}
_FILLER = "的了在是我有和就不人都一上也很到说要去你会着没看好自己这"


def labelled(seed: int = 1, per_topic: int = 14) -> tuple[list[str], list[list[str]]]:
    """Texts with one or two topics (from their words) and some with none."""
    rng = random.Random(seed)
    texts, topics = [], []
    names = list(_WORDS)
    for i in range(per_topic * len(names)):
        chosen = [names[i % 3]] + ([names[(i + 1) % 3]] if i % 4 == 0 else [])
        parts = [w for t in chosen for w in rng.sample(_WORDS[t], 2)] + rng.sample(_FILLER, 5)
        rng.shuffle(parts)
        texts.append("".join(parts))
        topics.append(chosen)
    for _ in range(10):
        texts.append("".join(rng.sample(_FILLER, 8)))
        topics.append([])
    return texts, topics


def test_multi_label_model_finds_each_topic_and_falls_back_to_seeds() -> None:
    texts, topics = labelled()
    model = TopicModel.train(texts, topics, Taxonomy.default())
    assert set(model.modelled) == set(_WORDS)
    assert "核酸检测" in model.fallback  # no examples: its seeds answer
    hits = model.predict(
        ["网课停课，老师说开学还早", "菜价涨价了，高速卡口也封了", "核酸检测点排队"]
    )
    assert hits[0][0].topic == "学校教育" and hits[0][0].source == "model"
    assert 0 < hits[0][0].score <= 1
    assert {h.topic for h in hits[1]} >= {"物价", "交通卡口"}
    assert [(h.topic, h.source) for h in hits[2]] == [("核酸检测", "seeds")]
    assert all(len(h) <= 3 for h in hits)


def test_tagger_uses_only_taxonomy_topics_and_explains_with_seeds() -> None:
    texts, topics = labelled()
    model = TopicModel.train(texts, topics, Taxonomy.default())
    narrow = Taxonomy.from_mapping({"物价": ["涨价", "太贵"], "核酸检测": ["核酸"]})
    hits = TopicTagger(narrow, model).tag("网课停课了，菜价涨价太贵")
    assert {h.topic for h in hits} <= {"物价", "核酸检测"}
    price = next(h for h in hits if h.topic == "物价")
    assert price.source == "model" and "涨价" in price.seeds


def test_cross_validation_is_deterministic_and_scores_well() -> None:
    texts, topics = labelled(per_topic=16)
    first = cross_validate_topics(texts, topics, Taxonomy.default(), folds=3)
    assert first == cross_validate_topics(texts, topics, Taxonomy.default(), folds=3)
    assert first.micro_f1 > 0.8 and first.count == len(texts)
    with pytest.raises(BadInput, match="not in the taxonomy"):
        TopicModel.train(["x"] * 3, [["体育"]] * 3, Taxonomy.default())


_ENGLISH = {
    "交通卡口": ["flights cancelled", "border closed", "airport shut", "travel ban"],
    "学校教育": ["schools closed", "online classes", "students home", "exams delayed"],
}


def test_latin_words_are_features_of_their_own() -> None:
    rng = random.Random(4)
    texts, topics = labelled()
    for name, phrases in _ENGLISH.items():
        for _ in range(12):
            texts.append(" and ".join(rng.sample(phrases, 2)) + " on monday")
            topics.append([name])
    model = TopicModel.train(texts, topics, Taxonomy.default())
    assert model.words is not None and "border closed" in model.words.vocabulary_
    hits = model.predict(["Border closed and airport shut", "Online classes as schools closed"])
    assert hits[0][0].topic == "交通卡口" and hits[1][0].topic == "学校教育"
    # Only texts with Latin words are tokenised: in a mixed batch each row is its own.
    mixed = ["网课停课了", "Border closed and airport shut", "菜价涨价", "online classes"]
    together = model._features(mixed).toarray()
    for row, text in enumerate(mixed):
        assert (together[row] == model._features([text]).toarray()[0]).all()
    assert together[0].any() and together[1].any()
    chinese_only, chinese_topics = labelled()
    assert TopicModel.train(chinese_only, chinese_topics, Taxonomy.default()).words is None


def test_a_model_from_before_the_word_features_still_predicts() -> None:
    """A model file written before the Latin words and the stored seed scale loads
    without those attributes: it predicts with the features it was trained on."""
    texts, topics = labelled()
    model = TopicModel.train(texts, topics, Taxonomy.default())
    assert model.seed_scale == SEED_SCALE
    old = copy.deepcopy(model)
    del old.__dict__["words"], old.__dict__["seed_scale"]
    probe = ["网课停课，老师说开学还早", "菜价涨价了，高速卡口也封了"]
    hits = [old.taxonomy.tag(matching_form(t)) for t in probe]
    columns = old._seed_part(hits).toarray()[:, -len(old.taxonomy.names) :]
    price = old.taxonomy.names.index("物价")
    score = next(h.score for h in hits[1] if h.topic == "物价")
    assert columns[1, price] == pytest.approx(score * OLD_SEED_SCALE)
    assert old._features(probe).shape == model._features(probe).shape
    assert old.predict(probe)[0][0].topic == "学校教育"


def test_save_load_and_card(tmp_path: Path) -> None:
    texts, topics = labelled()
    data = tmp_path / "labels.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": t, "topics": y}, ensure_ascii=False) + "\n"
            for t, y in zip(texts, topics, strict=True)
        )
        + "{broken\n",
        encoding="utf-8",
    )
    training = read_training("topics", [data])
    assert len(training) == len(texts) and training.files[0].skipped == 1
    path, _card = train_and_save("topics", training, tmp_path / "models", folds=3)
    assert path == model_file(tmp_path / "models", "topics") and card_path(path).is_file()
    again = load_model(path)
    assert isinstance(again, TopicModel) and again.modelled
    stored = load_card(path)
    assert stored is not None and stored.scores["micro_f1"] > 0.5 and stored.model_bytes > 0
    assert stored.files[0].records == len(texts) and len(stored.files[0].sha256) == 64
    assert [c.task for c in list_cards(tmp_path / "models")] == ["topics"]
    assert load_task(tmp_path / "nothing", "topics") is None
    (tmp_path / "junk.joblib").write_text("no", encoding="utf-8")
    with pytest.raises(BadInput):
        load_model(tmp_path / "junk.joblib")
    save_model(again, tmp_path / "copy.joblib")
    assert isinstance(load_model(tmp_path / "copy.joblib"), TopicModel)


def test_topic_lists_from_tsv(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("菜价太贵\t物价|物资供应\n今天天气好\t\n网课\t学校教育\n", encoding="utf-8")
    training = read_training("topics", [path])
    assert training.topics[0] == ["物价", "物资供应"] and training.topics[-1] == ["学校教育"]
