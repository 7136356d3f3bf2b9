"""The epidemic topic taxonomy: seed tagging, configuration, and the model-or-seeds rule."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from yuqing.analyse.models import ModelInfo, TextModel
from yuqing.analyse.topics import DEFAULT_TOPICS, Taxonomy, TopicHit, TopicTagger
from yuqing.errors import BadInput
from yuqing.text import matching_form

EXPECTED_TOPICS = {
    "疫情通报", "防控措施", "医疗救治", "物资供应", "物价", "交通卡口", "隔离管控",
    "学校教育", "复工复产", "求助", "谣言", "感谢表扬", "核酸检测", "疫苗接种",
}  # fmt: skip


def top(text: str, taxonomy: Taxonomy | None = None) -> str | None:
    hits = (taxonomy or Taxonomy.default()).tag(matching_form(text))
    return hits[0].topic if hits else None


def test_default_taxonomy_has_every_topic() -> None:
    taxonomy = Taxonomy.default()
    assert set(taxonomy.names) == EXPECTED_TOPICS
    assert all(topic.seeds for topic in taxonomy.topics)
    # Seeds are stored in matching form, so they are simplified and lower case.
    assert all(s == matching_form(s) for t in taxonomy.topics for s in t.seeds)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("今天新增确诊病例3例,均为境外输入", "疫情通报"),
        ("菜价涨价太贵了,一斤白菜十块", "物价"),
        ("核酸检测点排了两个小时队", "核酸检测"),
        ("孩子开学推迟,网课什么时候结束", "学校教育"),
        ("高速卡口要通行证才能返乡", "交通卡口"),
        ("网传封城是谣言,官方已辟谣", "谣言"),
        ("感谢医护人员,致敬最美逆行者", "感谢表扬"),
        ("求助!老人急需透析,求转发", "求助"),
        ("加强针在哪个接种点预约接种", "疫苗接种"),
    ],
)
def test_seed_tagging_simplified(text: str, topic: str) -> None:
    assert top(text) == topic


def test_traditional_input_matches_simplified_seeds() -> None:
    assert top("核酸檢測點排了兩個小時隊") == "核酸检测"
    assert top("菜價漲價太貴了") == "物价"
    hits = Taxonomy.default().tag(matching_form("疫苗接種點"))
    assert hits[0].topic == "疫苗接种"


def test_no_topic_when_no_seed_hits() -> None:
    assert Taxonomy.default().tag(matching_form("今天天气晴朗,适合散步")) == []


def test_score_grows_with_seeds_and_seed_length() -> None:
    taxonomy = Taxonomy.from_mapping({"检测": ["核酸", "核酸检测", "采样"]})
    one = taxonomy.tag("做了核酸")[0]
    longer = taxonomy.tag("做了核酸检测")[0]
    two = taxonomy.tag("做了核酸检测,采样很快")[0]
    assert one.score == 0.5
    assert longer.seeds == ("核酸检测",)  # 核酸 inside 核酸检测 counts once
    assert one.score < longer.score < two.score < 1
    again = taxonomy.tag("核酸 … 核酸检测")[0]
    assert set(again.seeds) == {"核酸", "核酸检测"}  # a separate occurrence counts


def test_hits_are_ordered_best_first() -> None:
    hits = Taxonomy.default().tag(matching_form("小区封控居家隔离,买菜难,物资配送跟不上"))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {"隔离管控", "物资供应"} <= {h.topic for h in hits}
    assert all(isinstance(h, TopicHit) and h.source == "seeds" for h in hits)


def test_from_mapping_normalises_and_validates() -> None:
    taxonomy = Taxonomy.from_mapping({"物價": ["漲價", " ", "ＡＢＣ"]})
    assert taxonomy.topics[0].seeds == ("abc", "涨价")
    assert top("又漲價了", taxonomy) == "物價"
    with pytest.raises(BadInput):
        Taxonomy.from_mapping({})
    with pytest.raises(BadInput):
        Taxonomy.from_mapping({"物价": []})
    with pytest.raises(BadInput):
        Taxonomy.from_mapping({"物价": "涨价"})
    with pytest.raises(BadInput):
        Taxonomy.from_mapping({" ": ["涨价"]})
    assert set(Taxonomy.from_mapping(DEFAULT_TOPICS).names) == EXPECTED_TOPICS


class FixedModel(TextModel):
    """A stand-in model that always answers the same label and probability."""

    def __init__(self, label: str, probability: float) -> None:
        info = ModelInfo("topic", (label,), "2020-01-01T00:00:00+00:00", 0, {}, {})
        super().__init__(pipeline=None, info=info)
        self.answer = (label, probability)

    def predict_top(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        return [self.answer for _ in texts]


def test_tagger_uses_seeds_without_model() -> None:
    tagger = TopicTagger(Taxonomy.default())
    assert tagger.tag("菜價漲價太貴了")[0].topic == "物价"
    assert tagger.tag_many([]) == []


def test_tagger_model_leads_when_sure() -> None:
    tagger = TopicTagger(Taxonomy.default(), FixedModel("求助", 0.9), threshold=0.6)
    hits = tagger.tag("菜价涨价太贵了")
    assert hits[0] == TopicHit("求助", 0.9, source="model")
    assert hits[1].topic == "物价" and hits[1].source == "seeds"


def test_tagger_model_label_not_repeated_from_seeds() -> None:
    tagger = TopicTagger(Taxonomy.default(), FixedModel("物价", 0.8))
    hits = tagger.tag("菜价涨价太贵了")
    assert [h.topic for h in hits].count("物价") == 1 and hits[0].source == "model"


def test_tagger_falls_back_to_seeds_when_unsure_or_unknown() -> None:
    unsure = TopicTagger(Taxonomy.default(), FixedModel("求助", 0.4), threshold=0.6)
    assert unsure.tag("菜价涨价太贵了")[0].topic == "物价"
    unknown = TopicTagger(Taxonomy.default(), FixedModel("sports", 0.99))
    assert all(h.source == "seeds" for h in unknown.tag("菜价涨价太贵了"))
    assert unknown.tag("今天天气晴朗") == []
    with pytest.raises(BadInput):
        TopicTagger(Taxonomy.default(), threshold=1.5)


def test_tagger_with_a_trained_model() -> None:
    texts = [f"{w}{i}" for w in ("涨价太贵", "网课开学") for i in range(6)]
    labels = ["物价"] * 6 + ["学校教育"] * 6
    model = TextModel.train(texts, labels, task="topic")
    tagger = TopicTagger(Taxonomy.default(), model, threshold=0.0)
    lead = tagger.tag("孩子网课开学")[0]
    assert (lead.topic, lead.source) == ("学校教育", "model")
    assert 0 < lead.score <= 1
