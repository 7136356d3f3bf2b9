"""Fact-check claim matching: ranking, both scripts, rebuilds, real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yuqing.analyse.claim_rerank import TrainingPairs, fit
from yuqing.analyse.claim_training import Decision, LibraryClaim, training_pairs
from yuqing.analyse.claims import (
    HIGH_SCORE,
    SHOW_SCORE,
    TIERS,
    ClaimCandidate,
    ClaimMatcher,
    _prepare,
    claim_core,
    claim_quotes,
    fact_check_text,
    formula_quotes,
    strip_template,
    tier_of,
)
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


# ---------------------------------------------------------------- debunks, tiers, reranker

FORMULA = "被举报人言论构成发布不实信息现根据微博举报投诉操作细则对被举报人处理如下扣除信用积分"
RUMOURS = [
    "俄罗斯政府在街上放了八百只狮子和老虎来防止民众外出",
    "武汉病毒研究所所长警告蚊虫是第三宿主",
    "天津男子身上喷消毒液后抽烟点火当场爆炸",
    "美国十艘医疗军舰已经开进纽约港",
    "信阳已经全面封城所有道路封闭",
    "钟南山院士已空降北京指导防疫",
    "喝板蓝根冲剂可以治愈新冠肺炎",
    "广州向外籍人士每人发放生活补助五千元",
    "哈尔滨因口岸疫情影响已经封城",
    "北京新发地市场三文鱼案板检出病毒全城禁售",
    "一架客机上的乘客欲逃离被警察开枪射击",
    "吴好运入住泉州欣佳宾馆没躲过追杀",
]


def debunk(rumour: str, n: int) -> str:
    return f"经查，此微博称“{rumour}”不实，@辟谣账号{n} 已辟谣。详情：https://weibo.com/{n}/Ab{n}，{FORMULA}。"


def test_a_platform_formula_is_cut_and_short_shared_words_kept() -> None:
    texts = [_prepare(debunk(r, n)) for n, r in enumerate(RUMOURS)]
    contents = strip_template(texts)
    assert all(_prepare(FORMULA) not in c for c in contents)
    assert all(_prepare(r) in c for r, c in zip(RUMOURS, contents, strict=True))
    words = [f"新型冠状病毒第{n}号说法{'甲乙丙丁戊己庚辛壬癸子丑'[n]}" for n in range(12)]
    assert strip_template(words) == words  # "新型冠状病毒" is 6 shared characters, not a formula


def test_a_long_text_that_quotes_is_matched_by_its_quotes() -> None:
    assert claim_core(debunk(RUMOURS[0], 1)) == RUMOURS[0]
    assert (
        claim_core("盐水漱口可以杀灭“新冠病毒”") == "盐水漱口可以杀灭“新冠病毒”"
    )  # short: all of it


def test_a_rumour_post_finds_its_debunk_among_short_claims() -> None:
    library = [(n, debunk(r, n)) for n, r in enumerate(RUMOURS)] + [
        (100 + n, text) for n, text in LIBRARY
    ]
    matcher = ClaimMatcher.build(library)
    post = "据说俄罗斯政府在街上放了800只狮子和老虎来防止民众外出，战斗民族抗疫就是这么硬核！"
    assert matcher.match(post)[0].claim_id == 0
    urls_only = "详情 https://weibo.com/3/Ab3 https://weibo.com/5/Ab5"
    assert matcher.match(urls_only) == []  # a URL's letters and digits are no evidence


def test_a_quote_many_claims_share_is_formula_not_the_claim() -> None:
    notices = [
        f"经查，此微博称“{r}”不实，属于“发布不实信息”。详情：https://weibo.com/{n}/Ab{n}，"
        "请以官方发布为准，不信谣、不传谣。"
        for n, r in enumerate(RUMOURS)
    ]
    assert all(len(n) >= 60 for n in notices)  # long enough to be matched by its quotes
    formulas = formula_quotes((claim_quotes(n) for n in notices), len(notices))
    assert formulas == {_prepare("发布不实信息")}
    assert claim_core(notices[0], formulas) == RUMOURS[0]
    assert claim_core(notices[0]) == f"{RUMOURS[0]}，发布不实信息"  # alone, a quote like any
    matcher = ClaimMatcher.build(list(enumerate(notices)))
    assert all("发布不实信息" not in content for content in matcher._contents)


def test_the_sanction_on_the_poster_is_no_part_of_the_claim() -> None:
    two = "扣除信用积分2分。上述处理在公布后60分钟内生效"
    notice = f"经查，此微博称“{RUMOURS[1]}”不实。被举报人言论属于构成“发布不实信息”，{two}"
    assert fact_check_text(notice) == f"经查，此微博称“{RUMOURS[1]}”不实。"
    assert fact_check_text(RUMOURS[1]) == RUMOURS[1]
    assert claim_core(fact_check_text(notice)) == fact_check_text(notice)  # short once cut


def test_claims_of_the_same_text_are_one_candidate_shown_by_the_first() -> None:
    matcher = ClaimMatcher.build(
        [(5, "吸烟能预防新冠肺炎"), (3, "吸烟能预防新冠肺炎！"), *LIBRARY[:2]]
    )
    found = matcher.match("听说吸烟能预防新冠肺炎", k=3, min_score=0.0)
    assert [c.claim_id for c in found].count(5) == 1 and 3 not in [c.claim_id for c in found]
    assert matcher.row_of(3) == matcher.row_of(5)


def test_tiers_split_shown_candidates_at_the_high_score() -> None:
    assert tier_of(HIGH_SCORE) == "high" and TIERS["high"] == "高度匹配"
    assert tier_of(SHOW_SCORE) == "possible" and TIERS["possible"] == "可能相关"
    assert ClaimCandidate(1, 0.9).tier == "high"


def _library() -> list[LibraryClaim]:
    places = ["北京", "上海", "武汉", "广州", "深圳", "成都", "西安", "南京", "杭州", "天津"]
    rumours = ["封城", "停水停电", "超市关门", "学校停课"]
    return [
        LibraryClaim(
            n,
            f"{place}明天{rumour}",
            f"经{place}市政府核实，网传{place}明天{rumour}的消息不实，请市民不信谣不传谣。",
            "网信办" if n % 2 else "卫健委",
        )
        for n, (place, rumour) in enumerate((p, r) for p in places for r in rumours)
    ]


def test_the_reranker_learns_from_the_library_and_keeps_the_right_claim_first() -> None:
    library = _library()
    matcher = ClaimMatcher.build([(c.claim_id, c.text) for c in library])
    untrained = matcher.reranker
    assert untrained.trained_on == 0  # fixed weights until it learns
    pairs = training_pairs(matcher, library)
    assert pairs.positives >= 30 and 0 in pairs.labels
    matcher.reranker = fit(pairs)
    assert matcher.reranker.trained_on == len(pairs.labels)
    found = matcher.match("听说成都明天就要停水停电了，大家赶紧囤水", k=3, min_score=0.0)
    assert library[found[0].claim_id].text == "成都明天停水停电"
    assert found[0].score > found[1].score


def test_analyst_decisions_are_training_pairs() -> None:
    library = _library()
    matcher = ClaimMatcher.build([(c.claim_id, c.text) for c in library])
    plain = training_pairs(matcher, library)
    decided = training_pairs(
        matcher,
        library,
        [Decision("武汉明天封城了吗", 8, True), Decision("武汉明天封城了吗", 9, False)],
    )
    assert decided.labels[len(plain.labels) :] == [1, 0]
    assert fit(TrainingPairs()).trained_on == 0  # nothing to learn from: fixed weights


def test_an_item_shows_its_top_three_with_tiers_once_the_best_is_worth_a_look() -> None:
    matcher = ClaimMatcher.build(LIBRARY)
    shown = matcher.shown_many([ITEM, "今天天气晴朗，适合出门散步。"], k=3)
    assert [c.claim_id for c in shown[0]] == [c.claim_id for c in matcher.match(ITEM, min_score=0)]
    assert len(shown[0]) == 3 and shown[0][0].score >= SHOW_SCORE
    assert shown[1] == []  # nothing close: no candidate at all, not three weak ones
    assert matcher.shown_many([ITEM], gate=1.01) == [[]]


def test_account_names_and_very_short_items_are_no_evidence() -> None:
    matcher = ClaimMatcher.build([*LIBRARY, (9, "南宁铁路局发现确诊病例全线停运")])
    assert matcher.match("听说南宁铁路全线停运了，是真的吗")[0].claim_id == 9
    assert matcher.shown_many(["//@南宁铁路:转发微博 一起加油，愿春暖花开"]) == [[]]
    assert matcher.match("吸烟能预防", min_score=0.0) == []  # under MIN_ITEM_CHARS
