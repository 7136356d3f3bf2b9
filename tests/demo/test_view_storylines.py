"""The storylines the demo builds for the views: a question asked more every day, and a
price complaint that reaches one district after another (the seed makes the same ones
every time: tests/demo/test_scenario.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import opencc

from yuqing.demo.scenario import DemoItem, build_scenario
from yuqing.demo.view_storylines import PRICE_DISTRICTS

SIMPLIFIED = opencc.OpenCC("t2s")


def _texts(seed: int = 2026, items: int = 3000) -> list[tuple[int, str, DemoItem]]:
    scenario = build_scenario(seed=seed, items=items)
    return [
        (
            int((i.published_at - scenario.start).total_seconds() // 86400),
            SIMPLIFIED.convert(i.body),
            i,
        )
        for i in scenario.items()
    ]


def test_the_question_is_asked_more_every_day_and_only_by_the_public() -> None:
    asked = [(day, item) for day, text, item in _texts() if "解除隔离证明" in text]
    per_day = Counter(day for day, _ in asked)
    counts = [per_day[day] for day in range(7)]
    assert counts[-1] >= 3 * max(counts[0], 1) and sum(counts[4:]) > sum(counts[:3]), counts
    originals = [item for _, item in asked if item.truth["repost_of"] is None]
    assert originals and all(item.kind == "post" for item in originals)
    assert all(item.truth["topic"] == "求助" for item in originals if item.truth["copy_of"] is None)
    # Differing wordings and figures: the public's posts, not one text copied.
    assert len({item.body for item in originals}) > 0.8 * len(originals)


def test_the_price_complaint_reaches_the_districts_one_after_another() -> None:
    first_seen: dict[str, datetime] = {}
    for _, text, item in _texts():
        if "布洛芬一盒" in text and item.truth["repost_of"] is None:
            for district in PRICE_DISTRICTS:
                if district in text:
                    first_seen.setdefault(district, item.published_at)
    assert list(first_seen) == list(PRICE_DISTRICTS)  # in the order it spread
    times = [first_seen[d] for d in PRICE_DISTRICTS]
    assert times == sorted(times)
