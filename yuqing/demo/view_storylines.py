"""Two storylines the desk's views are shown on (the rumour cascade is the 熏白醋 rumour's,
reposted along ``//@`` chains): a price complaint that spreads from district to
district on the fourth day (the map and the spread), and a question the public asks
more every day that no clarification answers (待回应的问题).

They rewrite public original posts of the stream (its count, times and engagement
stay), choosing with a generator of their own seeded from the scenario's seed, so the
demo stays deterministic. Copies and reposts of a rewritten post then say what it
says, as they would.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from typing import Final

from yuqing.demo import vocabulary as v
from yuqing.demo.models import DemoItem
from yuqing.demo.places import UNIT_SPECS
from yuqing.demo.textgen import to_traditional
from yuqing.demo.timeline import bump

# One question (ours): where the release-from-quarantine certificate is issued, asked
# in many wordings, each a statement with the asker's own figure, the question and why
# it matters: posts that differ in their figures are never folded as copies of one
# another, as people asking the same thing are not. No fact-check or clarification of
# the demo answers it.
QUESTION_OPENINGS: Final = (
    "隔离{n}天终于期满了。",
    "今天是居家隔离第{n}天，明天到期。",
    "集中隔离{n}天，今天刚从酒店出来。",
    "单位通知隔离满{n}天的人下周一复工。",
    "家里{k}口人今天都解除隔离了。",
)
QUESTION_ASKED: Final = (
    "解除隔离证明在哪里开？",
    "解除隔离证明到底去哪里开？",
    "请问解除隔离证明在哪开？",
    "解除隔离证明找谁开？",
    "有人知道解除隔离证明去哪里开吗？",
)
QUESTION_REASONS: Final = (
    "单位要看证明才让复工，社区说这个不归他们管。",
    "打了好几个电话都说不清楚，急用。",
    "酒店说找社区，社区说找疾控，来回踢皮球。",
    "12345热线也没给个准话。",
    "孩子上学也要用，大家知道的说一下。",
    "网上搜了半天也没找到办理流程。",
    "问了一圈没人知道，复工要用。",
)
RISING_QUESTION: Final = (QUESTION_OPENINGS, QUESTION_ASKED, QUESTION_REASONS)
QUESTION_SHARE_PER_DAY: Final = 0.015  # of public posts, times the day's number (1..7)

# The complaint (ours), first heard in 昆都仑区, then in the districts around it.
PRICE_COMPLAINT: Final = (
    "{district}的药店布洛芬一盒卖到{price}元，平时才十几块，这不是哄抬物价吗？",
    "刚在{district}买退烧药，布洛芬一盒{price}元，药店涨价也太狠了",
    "{district}也涨了！布洛芬一盒{price}元，市场监管管不管药店哄抬物价？",
)
PRICE_DISTRICTS: Final = ("昆都仑区", "东城区", "西湖区", "临江县")
PRICE_PEAK_DAY, PRICE_WIDTH, PRICE_SHARE = 3.3, 0.45, 0.2
PRICE_FIRST_DAY, PRICE_STEP_DAYS = 2.9, 0.2  # a new district every ~5 hours
DISTRICT_KEYS: Final = {spec[1]: spec[0] for spec in UNIT_SPECS}


class ViewStorylines:
    """Decides, post by post, whether a public post carries one of the storylines."""

    def __init__(self, seed: int, start: datetime) -> None:
        self.rng = random.Random(f"yuqing-demo:{seed}:views")
        self.start = start

    def rewrite(self, item: DemoItem) -> DemoItem:
        if not _plain_post(item):
            return item
        day = (item.published_at - self.start).total_seconds() / 86400
        roll = self.rng.random()  # one draw per plain post: the same posts every time
        asking = QUESTION_SHARE_PER_DAY * (int(day) + 1)
        if roll < asking:
            text = "".join(self._choose(parts) for parts in RISING_QUESTION).format(
                n=7 + int(self.rng.random() * 15), k=2 + int(self.rng.random() * 4)
            )
            return _retold(item, text, v.HELP_REQUESTS, item.unit_key)
        if day >= PRICE_FIRST_DAY and roll < asking + PRICE_SHARE * bump(
            day, PRICE_PEAK_DAY, PRICE_WIDTH
        ):
            reached = 1 + int((day - PRICE_FIRST_DAY) / PRICE_STEP_DAYS)
            district = self._choose(PRICE_DISTRICTS[:reached])
            template = self._choose(PRICE_COMPLAINT)
            text = template.format(district=district, price=48 + int(self.rng.random() * 20))
            return _retold(item, text, v.PRICES, DISTRICT_KEYS[district])
        return item

    def _choose(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.random() * len(options))]


def _plain_post(item: DemoItem) -> bool:
    """A public original post about no rumour: reposts, copies, articles and hotline
    digests keep what they say."""
    truth = item.truth
    return (
        item.kind == "post"
        and item.author is not None
        and truth["rumour"] is None
        and truth["copy_of"] is None
        and truth["repost_of"] is None
    )


def _retold(item: DemoItem, text: str, topic: str, unit_key: str | None) -> DemoItem:
    body = to_traditional(text) if item.truth["traditional"] else text
    return replace(item, body=body, unit_key=unit_key, truth={**item.truth, "topic": topic})
