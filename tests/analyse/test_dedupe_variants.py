"""Duplicate folding of cut reposts ("…全文"), edits beside figures and regional wording."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analyse.dedupe import NearDuplicateIndex, content_key, duplicate_form
from yuqing.analyse.dedupe_forms import cut_mark, figures, figures_agree
from yuqing.text import matching_form
from yuqing.text.regional import regional_form, variant_table

BULLETIN = (
    "青岚市卫生健康委员会通报：2月3日0时至24时，全市新增确诊病例41例，其中境外输入3例，"
    "新增治愈出院12例。截至2月3日24时，全市累计报告确诊病例608例，现有重症病例17例。"
    "全市已追踪到密切接触者2315人，尚在医学观察1024人。请市民减少聚集，出门佩戴口罩，"
    "有发热、干咳等症状及时到就近的发热门诊就诊，不信谣、不传谣。"
)
POST = (
    "网络信息要核实再转发！有网友称本市出租车司机确诊，经核实为谣言，"
    "当前软件上流传的截图是伪造的。请大家以官方发布的信息为准，共同维护网络环境。"
)


def norm(text: str) -> str:
    return matching_form(text)


# ---------------------------------------------------------------- truncation marks


@pytest.mark.parametrize(
    "cut",
    [
        "累计报告确诊病例6…全文",
        "累计报告确诊病例6...展开全文",
        "累计报告确诊病例6 ...展开全文c",
        "累计报告确诊病例6…全文： http://t.cn/A6x1b2Qz",
        "累计报告确诊病例6展开全文",
        "累计报告确诊病例6⋯⋯全文",
    ],
)
def test_truncation_marks_are_cut_off(cut: str) -> None:
    text, was_cut = cut_mark(norm(cut))
    assert was_cut
    assert text == norm("累计报告确诊病例6")


@pytest.mark.parametrize("text", ["请点击链接阅读全文", "全文如下：", "这篇报道的全文很长"])
def test_a_text_that_only_mentions_the_full_text_is_not_cut(text: str) -> None:
    assert cut_mark(norm(text)) == (norm(text), False)


def test_a_cut_repost_folds_onto_its_original_even_inside_a_figure() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(BULLETIN))
    index.add(2, norm(POST))
    cut = BULLETIN[: BULLETIN.index("608") + 1] + "…全文"  # "累计报告确诊病例6…全文"
    match = index.add_match(3, norm(f"转发微博//@青岚发布:{cut}"))
    assert match is not None
    assert (match.original_id, match.kind) == (1, "near")
    short_cut = BULLETIN[:40] + "...展开全文c"  # a seventh of it: Jaccard alone misses it
    assert index.add(4, norm(short_cut)) == 1


def test_a_cut_copy_with_a_changed_figure_stays_apart() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(BULLETIN))
    cut = BULLETIN[:60].replace("41例", "47例") + "…全文"
    assert index.add(2, norm(cut)) is None


# ---------------------------------------------------------------- figures


def test_an_edit_beside_a_number_still_folds() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(BULLETIN))
    for doc_id, (old, new) in enumerate([("41例", "41名"), ("新增确诊", "新增确认")], start=2):
        assert index.add(doc_id, norm(BULLETIN.replace(old, new))) == 1, new


def test_a_changed_number_does_not_fold_even_when_stated_elsewhere() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(BULLETIN))
    # 17 is already stated ("重症病例17例"): the copy must still differ.
    assert index.add(2, norm(BULLETIN.replace("出院12例", "出院17例"))) is None
    assert index.add(3, norm(BULLETIN.replace("2315人", "2316人"))) is None


def test_figures_keep_order_and_neighbours() -> None:
    found = figures("新增41例累计608例")
    assert found is not None
    assert found.stated == (("增", "41", "例"), ("计", "608", "例"))
    assert not found.cut_last
    assert figures("无数字") is None


def test_a_shorter_text_ending_in_a_digit_may_have_cut_its_last_figure() -> None:
    full, cut = figures("新增41例累计608例"), figures("新增41例累计6")
    assert figures_agree(cut, full)
    assert not figures_agree(figures("新增41例累计6"), figures("新增47例累计608例"))
    # The same length: nothing was cut, so the last figure counts.
    assert not figures_agree(figures("电话13948110961"), figures("电话13998110961"))


def test_a_title_repeating_a_figure_of_its_body_agrees_with_the_body() -> None:
    titled = figures("新增1例新型肺炎新增1例输入病例累计17例")
    body = figures("辽宁营口市新增1例输入性确诊病例辽宁省累计报告确诊病例17例重症病例12例")
    assert figures_agree(titled, body)


# ---------------------------------------------------------------- regional wording


@pytest.mark.parametrize("config", ["s2twp", "s2hkp", "s2tw", "s2hk", "s2t"])
def test_regional_copies_share_the_duplicate_key(config: str) -> None:
    converted = opencc.OpenCC(config).convert(POST)
    assert content_key(norm(converted)) == content_key(norm(POST))


def test_taiwan_wording_changes_words_not_only_characters() -> None:
    taiwan = opencc.OpenCC("s2twp").convert(POST)
    assert "資訊" in taiwan and "計程車" in taiwan  # the case t2s alone cannot fold
    assert norm(taiwan) != norm(POST)
    assert regional_form(norm(taiwan)) == regional_form(norm(POST))


def test_hong_kong_variant_characters_are_folded() -> None:
    table = variant_table()
    assert table[ord("衞")] == "卫" and table[ord("枱")] == "台"
    assert duplicate_form(norm("衞生署"))[0] == duplicate_form(norm("卫生署"))[0]


_WORDS = st.sampled_from(
    "信息 软件 出租车 网络 视频 打印机 鼠标 质量 卫生 台风 着急 方便面 "
    "疫情 口罩 隔离 3例 ， 。 核酸 检测 社区 志愿者 医院 冠状病毒".split()
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_WORDS, max_size=20).map("".join))
def test_taiwan_and_hong_kong_copies_share_the_key(text: str) -> None:
    key = content_key(norm(text))
    for config in ("s2twp", "s2hkp"):
        assert content_key(norm(opencc.OpenCC(config).convert(text))) == key


# ---------------------------------------------------------------- real posts

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FLOORS = Path(__file__).with_name("floors_dedupe.json")


def test_variants_of_real_posts_meet_their_floors() -> None:
    """The figures bench.eval_dedupe prints (its default sample of 2,000 posts, about
    ten CPU seconds): precision, recall by kind, regional key parity."""
    from bench.eval_dedupe import POSTS, SAMPLE, evaluate_variants

    if not (DATA / POSTS[0]).exists():
        pytest.skip(f"evaluation data not found at {DATA / POSTS[0]}")
    figures = evaluate_variants(DATA, SAMPLE)
    assert figures["dedupe_changed_figure_variants"] > 1000  # the negatives were made
    for key, floor in json.loads(FLOORS.read_text(encoding="utf-8")).items():
        assert figures[key] >= floor, f"{key}: {figures[key]:.4f} < floor {floor}"
