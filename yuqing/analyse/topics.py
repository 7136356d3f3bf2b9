"""The epidemic topic taxonomy: topics with keyword seeds, and a tagger that can use a model.

Seeds are matched as substrings of the matching form (``yuqing.text.matching_form``),
so traditional input and full-width letters match simplified seeds; seeds are put in
matching form when the taxonomy is built, so ``yuqing.toml`` may write them either way.

A topic's score grows with the seeds that hit, longer seeds counting more because
they are more specific (核酸检测 says more than 检测)::

    weight(seed) = min(len(seed), 4) / 2        # 2 chars: 1.0, 3: 1.5, 4 or more: 2.0
    score(topic) = 1 - 0.5 ** sum(weights of the distinct seeds found)

so one two-character seed gives 0.5, two give 0.75, and the score never reaches 1.
A seed inside a longer seed of the same topic that also hit is not counted again.

``TopicTagger`` rule with a multi-label ``TopicModel`` (``yuqing.analyse.topic_model``):
the model's topics over their own thresholds, each scored by its calibrated
probability and explained by the seeds that also hit, plus the seed hits of topics the
model has too few examples for. Only the model's topics that are topics of this
taxonomy count. With a single-label ``TextModel`` (the older kind): its top label
leads, scored by its probability, when that probability is at least ``threshold``
(0.6 unless configured) and the label is a topic of the taxonomy; the seed hits for
the other topics follow. Without a model, or with an unsure one, the seed hits alone
are the answer. An item keeps at most ``MAX_TOPICS`` (3) topics, best first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from yuqing.analyse.models import TextModel
from yuqing.errors import BadInput
from yuqing.text import matching_form

if TYPE_CHECKING:
    from yuqing.analyse.topic_model import TopicModel

DEFAULT_THRESHOLD = 0.6
MAX_TOPICS = 3

# Seeds are ours, written for an epidemic desk's intake; keep them simplified.
_DEFAULT_SEEDS = {
    "疫情通报": (
        "新增确诊 确诊病例 确诊患者 确诊 疑似病例 疑似 无症状感染者 通报 病例 "
        "疫情数据 累计确诊 累计报告 新增本土 新增病例 境外输入 密切接触者 密接 "
        "风险等级 中风险 高风险 死亡病例 病亡 首例 疫情地图 疫情动态 最新疫情 "
        "卫健委 感染人数 例确诊 新增 累计 confirmed cases infections "
        "deaths"
    ),
    "防控措施": (
        "防控 防疫措施 防疫工作 戴口罩 带口罩 戴好口罩 佩戴口罩 勤洗手 洗手 "
        "少出门 不出门 别出门 宅在家 消毒 测温 体温 健康码 行程码 扫码 社交距离 "
        "聚集 聚会 联防联控 指挥部 应急响应 一级响应 一级 启动 通告 做好防护 "
        "防护措施 注意防护 预防 防范 禁止 取消 暂停 延期 叫停 野生动物 "
        "restrictions measures distancing"
    ),
    "医疗救治": (
        "救治 医院 发热门诊 病床 床位 方舱 呼吸机 抢救 医疗队 住院 诊疗方案 "
        "治疗方案 看病 收治 就诊 医生说 治愈出院 火神山 雷神山 小汤山 特效药 "
        "疗法 药物 瑞德西韦 双黄连 hospital patients "
        "treatment"
    ),
    "物资供应": (
        "物资 买口罩 抢口罩 口罩紧缺 口罩厂 口罩生产 防护服 护目镜 蔬菜 买菜 "
        "供应 配送 团购 保供 生活必需品 抢购 囤货 断货 缺货 买不到 脱销 捐赠 "
        "捐款 捐助 援助 消毒液 supplies masks shortage"
    ),
    "物价": (
        "物价 涨价 价格 哄抬 天价 太贵 贵了 一斤 每斤 价格监管 明码标价 高价 "
        "暴利 卖到 元一个 块钱 prices"
    ),
    "交通卡口": (
        "卡口 高速 封路 道路 交通 公交 地铁 航班 机场 火车 高铁 列车 车站 "
        "火车站 通行证 出行 返乡 返程 司机 货车 收费站 出城 进城 离汉 入境 "
        "border flights travel"
    ),
    "隔离管控": (
        "隔离 封控 管控 封闭 封城 居家 集中隔离 居家隔离 小区封闭 封闭管理 解封 "
        "静默 足不出户 观察期 管控区 封控区 封村 封小区 quarantine "
        "lockdown isolate"
    ),
    "核酸检测": (
        "核酸 核酸检测 检测点 采样 抗原 阴性 阳性 混检 全员检测 筛查 试剂 试剂盒 检测 testing"
    ),
    "疫苗接种": (
        "疫苗 接种 加强针 第一针 第二针 打针 接种点 预约接种 不良反应 研发疫苗 临床试验 vaccine"
    ),
    "学校教育": (
        "学校 开学 学生 网课 停课 复课 老师 教师 高考 中考 考试 幼儿园 大学 "
        "高校 校园 线上教学 教育 上课 延期开学 寒假 暑假 教育厅 教育部 "
        "school students"
    ),
    "复工复产": (
        "复工 复产 开工 企业 工厂 停工 返岗 就业 工资 商户 营业 经济 减免 "
        "补贴 招工 股市 股票 外资 票房 撤档 歇业 关门 倒闭 裁员 餐饮 行业 "
        "economy business restaurants"
    ),
    "求助": (
        "求助 求救 帮帮 救救 急需 求转发 怎么办 没人管 无人管 联系不上 打不通 "
        "求求 呼救 走投无路 急求 求扩散 帮忙转发 求帮助 没有床位 住不进 无法就医 "
        "哪里可以"
    ),
    "谣言": (
        "谣言 辟谣 不实 假消息 造谣 传谣 网传 虚假 误传 不信谣 不传谣 真相 "
        "假的 流言 据说 听说 转发扩散 紧急通知 紧急扩散 真的假的 是真的吗 别信 "
        "不要信 不可信 rumor"
    ),
    "感谢表扬": (
        "感谢 谢谢 致敬 辛苦了 点赞 表扬 感动 最美 逆行 英雄 加油 好样的 感恩 "
        "暖心 国士无双 向你们 敬礼 了不起 伟大 保护好自己 平安归来 一起打赢 "
        "众志成城 共度难关"
    ),
}
DEFAULT_TOPICS: dict[str, list[str]] = {k: v.split() for k, v in _DEFAULT_SEEDS.items()}


@dataclass(frozen=True)
class TopicHit:
    """One topic found in a text: score in (0, 1], the seeds that hit, and the source."""

    topic: str
    score: float
    seeds: tuple[str, ...] = ()
    source: str = "seeds"  # "seeds" or "model"


@dataclass(frozen=True)
class Topic:
    name: str
    seeds: tuple[str, ...]  # matching form, longest first


def seed_weight(seed: str) -> float:
    return min(len(seed), 4) / 2


class Taxonomy:
    """Topics in a fixed order (the order breaks ties between equal scores)."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.topics)

    @classmethod
    def default(cls) -> Taxonomy:
        return cls.from_mapping(DEFAULT_TOPICS)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Sequence[str]]) -> Taxonomy:
        """Topic name → seed words, e.g. a ``[topics]`` table of yuqing.toml."""
        if not mapping:
            raise BadInput("a taxonomy needs at least one topic")
        topics: list[Topic] = []
        seen: set[str] = set()
        for raw_name, raw_seeds in mapping.items():
            name = str(raw_name).strip()
            if not name or name in seen:
                raise BadInput(f"topic name {raw_name!r} is empty or repeated")
            seen.add(name)
            topics.append(Topic(name, _seeds(name, raw_seeds)))
        return cls(topics)

    def tag(self, norm_text: str) -> list[TopicHit]:
        """Topics whose seeds occur in the matching-form text, best first; [] if none."""
        hits: list[tuple[float, int, TopicHit]] = []
        for order, topic in enumerate(self.topics):
            found = _found_seeds(topic.seeds, norm_text)
            if found:
                total = sum(seed_weight(s) for s in found)
                hit = TopicHit(topic.name, round(1 - 0.5**total, 4), found)
                hits.append((-hit.score, order, hit))
        return [hit for _, _, hit in sorted(hits)]


class TopicTagger:
    """Tags raw texts with topics: the model when it is sure enough, else the seeds.

    See the module docstring for the exact rule.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        model: TextModel | TopicModel | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise BadInput(f"threshold must be within 0..1, not {threshold}")
        self.taxonomy = taxonomy
        self.model = model
        self.threshold = threshold

    def tag(self, text: str) -> list[TopicHit]:
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[list[TopicHit]]:
        """Batch form: the model, when there is one, is asked once for all texts."""
        norm = [matching_form(t) for t in texts]
        seeded = [self.taxonomy.tag(t) for t in norm]
        if self.model is None or not texts:
            return [hits[:MAX_TOPICS] for hits in seeded]
        if isinstance(self.model, TextModel):
            return self._single_label(self.model, texts, seeded)
        return self._multi_label(self.model, norm, seeded)

    def _multi_label(
        self, model: TopicModel, norm: list[str], seeded: list[list[TopicHit]]
    ) -> list[list[TopicHit]]:
        same_seeds = model.taxonomy.topics == self.taxonomy.topics
        answers = model.predict_norm(norm, seeded if same_seeds else None)
        known = set(self.taxonomy.names)
        modelled = set(model.modelled) & known
        out: list[list[TopicHit]] = []
        for hits, answer in zip(seeded, answers, strict=True):
            mine = {h.topic: h for h in hits}
            chosen = [
                TopicHit(h.topic, h.score, mine[h.topic].seeds if h.topic in mine else (), h.source)
                for h in answer
                if h.topic in modelled
            ]
            chosen += [h for h in hits if h.topic not in modelled]
            chosen.sort(key=lambda h: -h.score)
            out.append(chosen[:MAX_TOPICS])
        return out

    def _single_label(
        self, model: TextModel, texts: Sequence[str], seeded: list[list[TopicHit]]
    ) -> list[list[TopicHit]]:
        known = set(self.taxonomy.names)
        out: list[list[TopicHit]] = []
        for hits, (label, probability) in zip(seeded, model.predict_top(texts), strict=True):
            if probability >= self.threshold and label in known:
                lead = TopicHit(label, round(probability, 4), source="model")
                hits = [lead, *(h for h in hits if h.topic != label)]
            out.append(hits[:MAX_TOPICS])
        return out


def _seeds(topic: str, raw: Sequence[str]) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise BadInput(f"topic {topic!r}: seeds must be a list of words")
    seeds = {matching_form(str(s)) for s in raw}
    seeds.discard("")
    if not seeds:
        raise BadInput(f"topic {topic!r} has no seed words")
    return tuple(sorted(seeds, key=lambda s: (-len(s), s)))


def _found_seeds(seeds: tuple[str, ...], text: str) -> tuple[str, ...]:
    """Seeds present in the text; one inside a longer found seed is dropped, unless it
    also occurs elsewhere (核酸 in 核酸检测 counts once; 核酸 … 核酸检测 counts twice)."""
    found: list[str] = []
    for seed in seeds:  # longest first
        if seed not in text:
            continue
        longer = [f for f in found if seed in f]
        if longer and text.count(seed) <= sum(text.count(f) for f in longer):
            continue
        found.append(seed)
    return tuple(found)
