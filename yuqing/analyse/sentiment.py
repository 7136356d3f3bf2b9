"""Sentiment and emotion of a post: a training-free lexicon default and a trainable path.

The default needs no training and no download: a small lexicon written here for
epidemic-period social media (emotion words, evaluative words, Weibo bracket
emoticons such as [心] [怒] [泪]) scanned over the matching form with longest match
first. Before each word, reading backwards within its clause, a negation (不 没 别 …)
flips or drops it and a degree word (很 非常 有点 …) scales it:

* a negated happy word counts as half as much sad ("不开心" is not happy), a negated
  positive word as half as much negative ("不及时");
* a negated angry, sad, fear or negative word counts as a little positive and no
  emotion ("别怕", "不难过");
* "!" raises the strength of what was found (up to three count).

Epidemic reporting words (病毒, 感染, 隔离, 症状) are deliberately not fear words:
on SMP2020-EWECT's training split they mark neutral reporting more often than fear,
and damping news-style posts (【headline】, links) measured no better there.

The emotion is the strongest one found when it reaches ``EMOTION_MIN``, else
neutral; the polarity score is ``tanh(sum / 2)`` in -1..1 and the label is positive
or negative beyond ±``LABEL_MIN``. The trainable path is a ``TextModel`` with task
"emotion" (``train_emotion_model``), read through ``ModelSentiment``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from yuqing.analyse.models import TextModel
from yuqing.errors import BadInput
from yuqing.text import matching_form

EMOTIONS = ("happy", "angry", "sad", "fear", "surprise", "neutral")
LABELS = ("positive", "negative", "neutral")
POLARITY_OF = {"happy": 1.0, "angry": -1.0, "sad": -1.0, "fear": -1.0, "surprise": 0.0}
# Desk polarity: bulletins and news reports are 中性 unless their wording is strong, so
# their polarity counts this much (emotions are not damped).
REPORT_DAMPING = 0.25
REPORT_MARKS = tuple(
    "记者 报道 日电 通报 发布会 据悉 获悉 截至 截止 卫健委 卫生健康委 新华社 累计 新增 病例 "
    "24时 公告 通告 通知".split()
)
EMOTION_MIN = 0.5  # half a plain word: a negated happy word alone still makes "sad"
LABEL_MIN = 0.15


def _split(words: str) -> list[str]:
    return words.split()


# Our own lexicon; words in simplified Chinese and lower case (the matching form).
EMOTION_WORDS: dict[str, str] = {
    "happy": (
        "开心 高兴 快乐 幸福 欢乐 喜欢 喜悦 愉快 欣慰 欣喜 满意 舒服 美好 温暖 暖心 温馨 感动 "
        "感谢 谢谢 多谢 感恩 感激 致敬 加油 平安 安好 健康 祝福 祝愿 希望 期待 期盼 盼望 顺利 "
        "胜利 好消息 太好了 真好 很好 不错 棒 很棒 太棒 厉害 优秀 可爱 美丽 漂亮 好看 好吃 骄傲 "
        "自豪 放心 安心 庆幸 幸运 赞 点赞 威武 给力 了不起 好样的 辛苦了 早日康复 挺住 必胜 "
        "打赢 战胜 治愈 康复 恭喜 祝贺 庆祝 快乐 哈哈 嘻嘻 嘿嘿 耶 爱你 爱了 么么哒 冲鸭 有爱 "
        "笑死 心动 甜 感人 靠谱 团结 守护 英雄 最美 春暖花开 众志成城 共克时艰 一起 天使 "
        "可敬 敬佩 佩服 伟大 感恩 爱心 善良 暖 阳光 春天 好运 解封 回家 胜利 太美 好起来 "
        "会好的 天佑 相信 一直都在 牛逼 牛 偶像 打call 保重 踏实 一定赢 国士无双 歌颂 满分 "
        "慕了 辛苦啦 注意身体 照顾好 保护好 平平安安 健健康康 万事如意 新年快乐 过年好"
    ),
    "angry": (
        "生气 愤怒 气死 气愤 愤慨 恼火 火大 可恶 讨厌 恶心 垃圾 辣鸡 无耻 混蛋 滚 妈的 他妈 "
        "tmd 尼玛 傻逼 sb 脑残 有病 神经病 畜生 人渣 败类 不要脸 缺德 过分 离谱 凭什么 "
        "什么玩意 呵呵 活该 骂 谴责 严惩 追责 问责 失职 渎职 瞒报 隐瞒 甩锅 官僚 作秀 人血馒头 "
        "黑心 奸商 无良 不满 抗议 欺负 欺骗 骗子 忍无可忍 受够了 烦死 闭嘴 丢人 丢脸 可耻 "
        "耻辱 恶劣 嚣张 愚蠢 蠢 白痴 智障 坑人 什么鬼 憋屈 鄙视 不作为 没良心 自私 冷血 恶意 "
        "诅咒 质问 搞什么 有毛病 弱智 吃屎 狗屁 扯淡 放屁 屁 真是服了 服了 醉了 无语 怒 "
        "不负责任 不公 草菅人命 造谣 该死 良心 国骂 呸 贱 杠精 双标 吐槽 愤青 恨 去死 死吧 "
        "nmsl mlgb fuck 艹 荒唐 biss 捂盖子 叫嚣 气疯 滚蛋 为什么 为啥 能不能 吗? 难道 "
        "凭啥 好意思 有脸 智商 傻 骂人 心里没点数 管不住 不听 不戴口罩 野味 吃野味"
    ),
    "sad": (
        "难过 伤心 悲伤 哭 泪 流泪 泪目 哭了 心疼 心痛 痛心 悲痛 哀悼 默哀 缅怀 逝世 去世 "
        "离世 走了 遗憾 可惜 惋惜 失望 绝望 无奈 难受 委屈 孤独 想家 想念 思念 想你 悲哀 惨 "
        "可怜 痛苦 煎熬 崩溃 心酸 辛酸 唉 哎 叹气 牺牲 殉职 不幸 节哀 一路走好 安息 rip 郁闷 "
        "沮丧 无助 心碎 泪奔 哽咽 破防 难熬 抑郁 emo 悲 哀 苦 好累 太累 累了 疲惫 揪心 "
        "酸楚 感伤 伤感 凄凉 悲剧 噩耗 不舍 舍不得 见不到 回不去 想哭"
    ),
    "fear": (
        "害怕 恐惧 担心 担忧 焦虑 恐慌 紧张 可怕 吓人 吓死 好怕 怕 不安 慌 心慌 惶恐 忧心 "
        "危险 被传染 瑟瑟发抖 发抖 惊恐 后怕 忐忑 提心吊胆 不敢 失眠 噩梦 恐怖 担惊受怕 "
        "发烧 低烧 高烧 惶惶 慌张 慌了 吓 胆战心惊 急死 "
        "毛骨悚然 怕死 怕被 怎么办 求救 求助 不舒服 喉咙痛 胸闷 乏力 头疼 万一 会不会"
    ),
    "surprise": (
        "惊讶 震惊 吃惊 竟然 居然 没想到 想不到 天哪 天啊 我的天 我天 卧槽 我靠 惊呆 惊了 "
        "不敢相信 难以置信 万万没想到 意外 出乎意料 真的假的 神奇 奇怪 怎么会 震撼 吓一跳 "
        "目瞪口呆 不可思议 离奇 纳尼 什么情况 啥情况 what 哇 wow 惊 原来如此 竟 果然 天呐 "
        "谁敢相信 ?! !? 突然 啊这 真假 还有这种"
    ),
}

# Evaluative words with a direction but no clear emotion.
POLARITY_WORDS: dict[str, float] = {
    **dict.fromkeys(
        _split(
            "好评 点赞 支持 认真 负责 及时 高效 有序 到位 周到 贴心 专业 放心 安全 稳定 好转 "
            "恢复 改善 成功 优质 完善 保障 充足 便民 免费 积极 坚强 勇敢 坚持 努力 辛苦 感谢信 "
            "好人 大爱 温情"
        ),
        1.0,
    ),
    **dict.fromkeys(
        _split(
            "差劲 糟糕 混乱 乱 差 失败 问题 投诉 举报 拖延 敷衍 推诿 刁难 不管 没人管 无人管 "
            "打不通 联系不上 涨价 哄抬 天价 缺货 断货 买不到 排长队 太贵 不公平 不合理 "
            "恶化 困难 艰难 麻烦 折腾 恐慌 求救 急需 救救 扩散 紧急 封锁消息"
        ),
        -1.0,
    ),
}

# Words that contain a lexicon word but carry no feeling; listing them stops the match.
NEUTRAL_WORDS = frozenset(_split("哪怕 恐怕 只怕 好好 好多 好几 不怕麻烦 哭笑不得 爱心人士 得赞"))

# Weibo bracket emoticons (after matching_form); chosen for what posters mean by them.
EMOTICONS: dict[str, str] = {
    **dict.fromkeys(
        _split(
            "[心] [加油] [good] [拳头] [作揖] [赞] [给你小心心] [抱抱] [爱你] [鲜花] [嘻嘻] "
            "[太开心] [中国赞] [鼓掌] [哈哈] [憧憬] [亲亲] [害羞] [好喜欢] [酷] [给力] [太阳] "
            "[顶] [好爱哦] "
            "[赞啊] [耶] [喜] [威武] [噢耶] [干杯] [笑cry] [偷笑] [可爱] [羞嗒嗒] [心心] [爱心] "
            "[礼物] [蛋糕] [月亮] [ok] [doge] [二哈] [喵喵] [馋嘴] [挤眼] [加油武汉] [武汉加油] "
            "[打call] [锦鲤] [哇]"
        ),
        "happy",
    ),
    **dict.fromkeys(
        _split(
            "[怒] [怒骂] [微笑] [摊手] [费解] [疑问] [吐] [哼] [左哼哼] [右哼哼] [拜拜] [白眼] "
            "[生气] [鄙视] [抓狂] [打脸] [黑线] [单身狗]"
        ),
        "angry",
    ),
    **dict.fromkeys(
        _split("[泪] [悲伤] [伤心] [失望] [心碎] [蜡烛] [泪目] [委屈] [哭] [衰] [生病] [可怜]"),
        "sad",
    ),
    **dict.fromkeys(_split("[跪了] [感冒] [汗] [害怕] [晕] [口罩]"), "fear"),
    **dict.fromkeys(_split("[吃惊] [傻眼] [震惊] [惊讶]"), "surprise"),
}

NEGATIONS = frozenset(
    _split(
        "不 没 没有 别 无 未 非 不是 不要 不会 不能 不用 不必 莫 勿 毫无 并不 并没有 从不 从没 "
        "绝不 决不 不再 不太"
    )
)
# fmt: off
DEGREES: dict[str, float] = {
    "极其": 2.0, "极度": 2.0, "极": 1.8, "超级": 1.8, "非常": 1.8, "特别": 1.8, "十分": 1.8,
    "太": 1.8, "好": 1.4, "超": 1.6, "最": 1.8, "真": 1.4, "真的": 1.4, "很": 1.5, "挺": 1.2,
    "蛮": 1.2, "比较": 1.1, "更": 1.3, "越来越": 1.4, "有点": 0.7, "有些": 0.7, "有一点": 0.6,
    "稍微": 0.6, "稍": 0.6, "略": 0.6, "一点": 0.6, "好像": 0.8,
}
# fmt: on


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive | negative | neutral
    emotion: str  # happy | angry | sad | fear | surprise | neutral
    score: float  # -1 (most negative) .. 1 (most positive)


@dataclass(frozen=True)
class _Entry:
    emotion: str | None
    polarity: float


class LexiconSentiment:
    """The training-free default. Extra words may be given as word → emotion."""

    def __init__(self, extra: Mapping[str, str] | None = None) -> None:
        self.entries = _build_entries(extra or {})
        self.longest = max(len(w) for w in self.entries)
        self.longest_modifier = max(len(w) for w in (*NEGATIONS, *DEGREES))
        self._automaton = _automaton(self.entries)

    def analyse(self, text: str) -> Sentiment:
        return self.analyse_normalised(matching_form(text))

    def analyse_normalised(self, norm: str) -> Sentiment:
        """For text already in matching form (the analysis run has it)."""
        emotions = dict.fromkeys(POLARITY_OF, 0.0)
        polarity = 0.0
        for start, word in self._words(norm):
            negated, degree = self._modifiers(norm, start)
            entry = self.entries[word]
            emotion, weight, sign = _apply(entry, negated)
            if emotion is not None:
                emotions[emotion] += weight * degree
            polarity += sign * degree
        boost = 1 + 0.15 * min(norm.count("!"), 3)
        if _reporting(norm):
            polarity *= REPORT_DAMPING
        return _decide({k: v * boost for k, v in emotions.items()}, polarity * boost)

    def analyse_many(self, texts: Sequence[str]) -> list[Sentiment]:
        return [self.analyse(t) for t in texts]

    def _words(self, norm: str) -> list[tuple[int, str]]:
        """Lexicon words by forward longest match; the text between them is skipped."""
        if self._automaton is not None:
            # Aho-Corasick's leftmost-longest scan is the same forward longest match, in C.
            return [(end - len(word) + 1, word) for end, word in self._automaton.iter_long(norm)]
        found: list[tuple[int, str]] = []
        i, n = 0, len(norm)
        while i < n:
            for size in range(min(self.longest, n - i), 0, -1):
                if norm[i : i + size] in self.entries:
                    found.append((i, norm[i : i + size]))
                    i += size
                    break
            else:
                i += 1
        return found

    def _modifiers(self, norm: str, start: int) -> tuple[bool, float]:
        """Reading backwards from the word: odd number of negations, product of degrees."""
        negations, degree, pos = 0, 1.0, start
        for _ in range(3):  # 很不 / 一点都不 / 不太: at most a few modifiers stack
            word = self._modifier_ending_at(norm, pos)
            if word is None:
                break
            if word in NEGATIONS:
                negations += 1
            else:
                degree *= DEGREES[word]
            pos -= len(word)
        return negations % 2 == 1, degree

    def _modifier_ending_at(self, norm: str, end: int) -> str | None:
        for size in range(min(self.longest_modifier, end), 0, -1):
            word = norm[end - size : end]
            if word in NEGATIONS or word in DEGREES:
                return word
        return None


def _automaton(entries: Mapping[str, object]) -> Any:
    """An Aho-Corasick automaton of the lexicon when pyahocorasick is installed."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - the pure-Python scan below serves
        return None
    automaton = ahocorasick.Automaton()
    for word in entries:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


class ModelSentiment:
    """The trainable path: a TextModel of task "emotion", read as a Sentiment."""

    def __init__(self, model: TextModel) -> None:
        self.model = model

    def analyse_many(self, texts: Sequence[str]) -> list[Sentiment]:
        return [_from_emotion(label, p) for label, p in self.model.predict_top(texts)]

    def analyse(self, text: str) -> Sentiment:
        return self.analyse_many([text])[0]


def train_emotion_model(texts: Sequence[str], labels: Sequence[str]) -> TextModel:
    """Emotion labels are the six of EMOTIONS; other labels train too but read as neutral."""
    return TextModel.train(texts, labels, task="emotion")


@cache
def default_lexicon() -> LexiconSentiment:
    """The shared training-free analyser (built once; it is read-only afterwards)."""
    return LexiconSentiment()


def analyse(text: str) -> Sentiment:
    """The training-free default on one text."""
    return default_lexicon().analyse(text)


def _build_entries(extra: Mapping[str, str]) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = dict.fromkeys(NEUTRAL_WORDS, _Entry(None, 0.0))
    for word, value in POLARITY_WORDS.items():
        entries[word] = _Entry(None, value)
    for emotion, words in EMOTION_WORDS.items():
        for word in words.split():
            entries[word] = _Entry(emotion, POLARITY_OF[emotion])
    for emotion_words in (EMOTICONS, extra):
        for word, emotion in emotion_words.items():
            if emotion not in POLARITY_OF:
                raise BadInput(f"unknown emotion {emotion!r} for {word!r}")
            entries[matching_form(word)] = _Entry(emotion, POLARITY_OF[emotion])
    return entries


def _reporting(norm: str) -> bool:
    """News or bulletin style: a 【headline】 opening or a reporting phrase."""
    head = norm[:80]
    return head.startswith("【") or "】" in head or any(w in norm for w in REPORT_MARKS)


def _apply(entry: _Entry, negated: bool) -> tuple[str | None, float, float]:
    """(emotion, emotion weight, signed polarity) of one occurrence."""
    if not negated:
        return entry.emotion, 1.0, entry.polarity
    if entry.emotion == "happy":
        return "sad", 0.5, -0.5
    if entry.polarity > 0:  # 不支持, 不及时: disapproval without a clear emotion
        return None, 0.0, -0.5 * entry.polarity
    return None, 0.0, 0.3 if entry.polarity < 0 else 0.0


def _decide(emotions: dict[str, float], polarity: float) -> Sentiment:
    # Ties go to the earlier emotion in EMOTIONS (max keeps the first maximum).
    emotion = max(emotions, key=lambda e: emotions[e])
    if emotions[emotion] < EMOTION_MIN:
        emotion = "neutral"
    score = round(math.tanh(polarity / 2), 4)
    label = "positive" if score > LABEL_MIN else "negative" if score < -LABEL_MIN else "neutral"
    return Sentiment(label, emotion, score)


def _from_emotion(emotion: str, probability: float) -> Sentiment:
    direction = POLARITY_OF.get(emotion, 0.0)
    label = "positive" if direction > 0 else "negative" if direction < 0 else "neutral"
    known = emotion if emotion in EMOTIONS else "neutral"
    return Sentiment(label, known, round(direction * probability, 4))
