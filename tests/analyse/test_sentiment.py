"""Sentiment: the training-free lexicon (negation, degree, emoticons) and the trained path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analyse.sentiment import (
    EMOTIONS,
    LABELS,
    LexiconSentiment,
    ModelSentiment,
    Sentiment,
    analyse,
    train_emotion_model,
)
from yuqing.errors import BadInput


@pytest.mark.parametrize(
    ("text", "emotion", "label"),
    [
        ("今天好开心啊", "happy", "positive"),
        ("我好开心[心]", "happy", "positive"),
        ("气死我了,太过分了[怒]", "angry", "negative"),
        ("好难过,泪目[泪]", "sad", "negative"),
        ("好害怕被传染", "fear", "negative"),
        ("竟然这样,震惊", "surprise", "neutral"),
        ("今天下午三点召开新闻发布会", "neutral", "neutral"),
        ("致敬医护人员,武汉加油!", "happy", "positive"),
    ],
)
def test_lexicon_reads_plain_posts(text: str, emotion: str, label: str) -> None:
    result = analyse(text)
    assert (result.emotion, result.label) == (emotion, label)


def test_negation_turns_happy_away() -> None:
    for text in ("不开心", "很不开心", "一点都不开心", "没有高兴的事"):
        result = analyse(text)
        assert result.emotion != "happy", text
        assert result.score < 0, text
    assert analyse("不开心").emotion == "sad"


def test_negated_negative_is_not_that_emotion() -> None:
    for text, emotion in (("别怕", "fear"), ("不难过", "sad"), ("别生气", "angry")):
        result = analyse(text)
        assert result.emotion != emotion
        assert result.score >= 0


def test_words_that_contain_a_negation_are_words() -> None:
    assert analyse("这个安排很不错").label == "positive"
    assert analyse("心里很不安").emotion == "fear"


def test_negation_only_when_adjacent() -> None:
    assert analyse("别人很开心").emotion == "happy"  # 别 here starts 别人, not "don't"


def test_degree_and_exclamation_strengthen() -> None:
    plain = analyse("开心").score
    assert analyse("非常开心").score > plain
    assert analyse("开心!!!").score > plain
    assert analyse("有点开心").score < plain


def test_traditional_and_full_width_input() -> None:
    assert analyse("很開心").emotion == "happy"
    assert analyse("太過分了！！").emotion == "angry"


def test_emoticons_alone_carry_emotion() -> None:
    assert analyse("[怒][怒]").emotion == "angry"
    assert analyse("[泪]").emotion == "sad"
    assert analyse("[吃惊]").emotion == "surprise"


def test_extra_words_and_bad_emotion() -> None:
    lexicon = LexiconSentiment(extra={"绝绝子": "happy"})
    assert lexicon.analyse("绝绝子").emotion == "happy"
    with pytest.raises(BadInput):
        LexiconSentiment(extra={"词": "bored"})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_valid_sentiment(text: str) -> None:
    result = analyse(text)
    assert result.label in LABELS
    assert result.emotion in EMOTIONS
    assert -1.0 <= result.score <= 1.0


def test_trained_emotion_model_path() -> None:
    texts = [f"{w}{i}" for w in ("好开心哈哈", "气死了滚", "好怕好怕") for i in range(8)]
    labels = ["happy"] * 8 + ["angry"] * 8 + ["fear"] * 8
    model = train_emotion_model(texts, labels)
    assert model.task == "emotion"
    reader = ModelSentiment(model)
    results = reader.analyse_many(["今天好开心哈哈", "气死了滚"])
    assert [r.emotion for r in results] == ["happy", "angry"]
    assert results[0].label == "positive" and results[0].score > 0
    assert results[1].label == "negative" and results[1].score < 0
    assert isinstance(reader.analyse("好怕"), Sentiment)
