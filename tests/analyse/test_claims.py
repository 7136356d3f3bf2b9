"""Fact-check claim matching: ranking, both scripts, rebuilds, real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yuqing.analyse.claims import ClaimCandidate, ClaimMatcher
from yuqing.text import matching_form

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FLOORS = Path(__file__).with_name("floors_matching.json")

LIBRARY = [
    (1, "喝高度白酒可以预防新冠病毒感染"),
    (2, "盐水漱口可以杀灭新型冠状病毒"),
    (3, "吸烟能预防新冠肺炎"),
    (4, "武汉将于明日起全面封城断网"),
    (5, "接种新冠疫苗后会影响生育"),
    (6, "双黄连口服液可以预防新冠病毒"),
    (7, "某小区出现确诊病例，全体居民被隔离"),
    (8, "5G基站会传播新冠病毒"),
]
ITEM = "朋友圈都在传，每天用盐水漱口就能杀死新冠病毒，家里老人已经开始天天漱口了，真的假的？"


def test_picks_the_right_claim_among_distractors() -> None:
    matcher = ClaimMatcher.build(LIBRARY)
    found = matcher.match(matching_form(ITEM))
    assert found[0].claim_id == 2
    assert len(found) <= 3
    assert all(isinstance(c, ClaimCandidate) for c in found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_both_scripts_give_the_same_match() -> None:
    traditional_item = (
        "朋友圈都在傳，每天用鹽水漱口就能殺死新冠病毒，家裡老人已經開始天天漱口了，真的假的？"
    )
    simplified = ClaimMatcher.build(LIBRARY)
    assert simplified.match(matching_form(traditional_item))[0].claim_id == 2
    assert simplified.match(traditional_item)[0].claim_id == 2  # raw text is normalised too
    traditional_library = ClaimMatcher.build(
        [(1, "5G基站會傳播新冠病毒"), (2, "鹽水漱口可以殺滅新型冠狀病毒")]
    )
    assert traditional_library.match(matching_form(ITEM))[0].claim_id == 2


def test_k_and_min_score_limit_the_candidates() -> None:
    matcher = ClaimMatcher.build(LIBRARY)
    assert len(matcher.match(ITEM, k=1)) == 1
    assert matcher.match(ITEM, k=0) == []
    assert matcher.match("今天天气晴朗，适合出门散步。", min_score=0.5) == []
    assert all(c.score >= 0.3 for c in matcher.match(ITEM, k=8, min_score=0.3))


def test_match_many_agrees_with_match() -> None:
    matcher = ClaimMatcher.build(LIBRARY)
    items = [ITEM, "听说5G信号塔会传播病毒，要不要拆掉？", "吸烟的人不容易得新冠肺炎吗", ""]
    assert matcher.match_many(items, k=2) == [matcher.match(item, k=2) for item in items]


def test_adding_replacing_and_removing_claims() -> None:
    matcher = ClaimMatcher.build(LIBRARY[:4])
    assert len(matcher) == 4
    matcher.add([(9, "熏醋可以杀灭病毒，预防新冠肺炎")])
    assert matcher.match("家里天天熏醋能不能杀灭病毒")[0].claim_id == 9
    matcher.add([(9, "板蓝根能治疗新冠肺炎")])  # same id: replaced, not duplicated
    assert len(matcher) == 5
    assert matcher.match("板蓝根真的能治疗新冠肺炎吗")[0].claim_id == 9
    matcher.remove([9])
    assert 9 not in matcher.claim_ids
    assert matcher.scores(ITEM).shape == (4,)


def test_an_empty_library_matches_nothing() -> None:
    assert ClaimMatcher.build([]).match(ITEM) == []
    assert ClaimMatcher.build([(1, "！！！")]).match_many([ITEM, ITEM]) == [[], []]


def test_claim_figures_on_real_data_meet_their_floors() -> None:
    if not DATA.exists():
        pytest.skip(f"evaluation data not found at {DATA}")
    from bench.eval_matching import evaluate_all

    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    figures = evaluate_all(DATA)
    for key, floor in floors.items():
        if key.startswith("claims_"):
            assert figures[key] >= floor, f"{key}: {figures[key]:.4f} < floor {floor}"
