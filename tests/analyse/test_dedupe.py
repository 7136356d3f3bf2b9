"""Duplicate folding: repost chains, exact keys, near-duplicates, eviction, real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analyse.dedupe import (
    NearDuplicateIndex,
    RepostHop,
    content_key,
    fold,
    repost_chain,
)
from yuqing.analyse.lsh import band_params
from yuqing.text import matching_form

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FLOORS = Path(__file__).with_name("floors_matching.json")

ORIGINAL = (
    "武汉市卫健委通报，昨日全市新增确诊病例十二例，均为境外输入关联病例。"
    "目前所有病例已转运至定点医院隔离治疗，密切接触者已全部落实集中隔离医学观察。"
    "请广大市民做好个人防护，不信谣不传谣。"
)
UNRELATED = (
    "省教育厅发布通知，全省中小学春季学期开学时间推迟，具体时间将根据疫情防控形势另行通知。"
    "各地学校要组织好线上教学，保障学生居家学习。"
)
BOILERPLATE = "（来源：本市融媒体中心 责任编辑：张三 审核：李四 转载请注明出处）"


def norm(text: str) -> str:
    return matching_form(text)


# ---------------------------------------------------------------- repost chains


def test_repost_chain_splits_comment_hops_and_original() -> None:
    chain = repost_chain("评论//@甲:转发语//@乙:原文")
    assert chain.comment == "评论"
    assert chain.hops == (RepostHop("甲", "转发语"), RepostHop("乙", "原文"))
    assert chain.original == "原文"
    assert chain.is_repost


@pytest.mark.parametrize(
    ("text", "accounts", "original"),
    [
        ("评论//@甲：转发语//@乙：原文", ["甲", "乙"], "原文"),  # full-width colon
        ("评论／／＠甲：原文", ["甲"], "原文"),  # full-width slashes and at sign
        ("好//@凯源的小尾巴 :非常棒 可以", ["凯源的小尾巴"], "非常棒 可以"),  # space before colon
        ("评论// @甲:原文", ["甲"], "原文"),  # space after the slashes
        ("//@菜_AM:祝好！//@黄酒://@游识猷:保护情绪", ["菜_AM", "黄酒", "游识猷"], "保护情绪"),
        ("转发//@甲:说得对//@乙:", ["甲", "乙"], "说得对"),  # empty innermost hop
        ("赞//@甲 原文在此", ["甲"], "原文在此"),  # no colon at all
    ],
)
def test_repost_chain_spellings(text: str, accounts: list[str], original: str) -> None:
    chain = repost_chain(text)
    assert [hop.account for hop in chain.hops] == accounts
    assert chain.original == original


def test_text_without_separator_is_its_own_original() -> None:
    chain = repost_chain("  详见 http://t.cn/A6PqoMKY 官方通报  ")
    assert chain.hops == ()
    assert chain.original == "详见 http://t.cn/A6PqoMKY 官方通报"
    assert not chain.is_repost


_REPOST_ALPHABET = st.sampled_from(list("/／@＠:： \t甲乙原文转发abc1"))


@given(st.text(alphabet=_REPOST_ALPHABET, max_size=40) | st.text(max_size=60))
def test_repost_chain_never_raises_and_original_is_a_slice(text: str) -> None:
    chain = repost_chain(text)
    assert chain.original in text
    assert chain.comment in text
    if chain.hops and chain.hops[-1].comment:
        assert text.rstrip().endswith(chain.original)


# ---------------------------------------------------------------- exact key


def test_content_key_ignores_punctuation_spacing_and_emoji() -> None:
    a = norm("武汉加油！中国加油！")
    b = norm("武汉加油，中国加油 😷😷")
    c = norm("武汉加油!!!中国加油~")
    assert content_key(a) == content_key(b) == content_key(c)
    assert content_key(a) != content_key(norm("武汉加油，湖北加油"))


def test_content_key_is_the_same_in_both_scripts() -> None:
    assert content_key(norm("疫情防控，人人有责。")) == content_key(norm("疫情防控，人人有責。"))


def test_punctuation_only_edit_folds_exactly() -> None:
    index = NearDuplicateIndex()
    assert index.add(1, norm(ORIGINAL)) is None
    match = index.add_match(2, norm(ORIGINAL.replace("，", ",").replace("。", "！！")))
    assert match is not None
    assert (match.original_id, match.kind) == (1, "exact")


# ---------------------------------------------------------------- near-duplicates


def test_lightly_edited_copies_fold() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(ORIGINAL))
    changed = ORIGINAL.replace("全市", "全城").replace("广大", "各位")
    dropped = ORIGINAL.replace("请广大市民做好个人防护，不信谣不传谣。", "")
    traditional = (
        "武漢市衛健委通報，昨日全市新增確診病例十二例，均為境外輸入關聯病例。"
        "目前所有病例已轉運至定點醫院隔離治療。"
    )
    for doc_id, text in [(2, changed), (3, dropped), (4, traditional)]:
        match = index.add_match(doc_id, norm(text))
        assert match is not None, text
        assert match.original_id == 1
        assert match.kind == "near" and match.similarity >= index.threshold


def test_reposts_fold_onto_their_original() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(ORIGINAL))
    assert index.add(2, norm(f"太可怕了//@某网友:大家注意//@本地发布:{ORIGINAL}")) == 1
    assert index.add(3, norm(f"转发微博//@另一个人：{ORIGINAL}")) == 1


def test_unrelated_texts_with_shared_boilerplate_do_not_fold() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(ORIGINAL + BOILERPLATE))
    assert index.add(2, norm(UNRELATED + BOILERPLATE)) is None


def test_bulletins_with_different_figures_do_not_fold() -> None:
    template = (
        "本市通报：3月{}日0时至24时，新增境外输入确诊病例{}例，累计报告境外输入确诊病例{}例。"
    )
    monday, tuesday = template.format(17, 3, 23), template.format(18, 5, 28)
    index = NearDuplicateIndex()
    index.add(1, norm(monday))
    assert index.add(2, norm(tuesday)) is None
    unchecked = NearDuplicateIndex(figures_must_agree=False)
    unchecked.add(1, norm(monday))
    assert unchecked.add(2, norm(tuesday)) == 1


def test_short_texts_fold_only_exactly() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm("武汉加油中国加油"))
    assert index.add(2, norm("武汉加油！中国加油！")) == 1
    assert index.add(3, norm("武汉加油中华加油")) is None


def test_copies_of_copies_point_at_the_root() -> None:
    index = NearDuplicateIndex()
    index.add(1, norm(ORIGINAL))
    near = ORIGINAL.replace("全市", "全城")
    assert index.add(2, norm(near)) == 1
    match = index.add_match(3, norm(near + "！"))  # exact copy of the near copy
    assert match is not None
    assert (match.original_id, match.matched_id, match.kind) == (1, 2, "exact")


def test_eviction_at_capacity_forgets_the_oldest() -> None:
    index = NearDuplicateIndex(capacity=2)
    index.add(1, norm(ORIGINAL))
    index.add(2, norm(UNRELATED))
    index.add(3, norm("市场监管局提醒，口罩价格须明码标价，哄抬物价将依法严厉查处。"))
    assert len(index) == 2 and 1 not in index and 3 in index
    assert index.add(4, norm(ORIGINAL)) is None  # its original was forgotten
    assert index.add(5, norm(UNRELATED)) is None  # evicted in turn by 4
    assert len(index) == 2


def test_fold_maps_every_copy_to_its_original() -> None:
    docs = [(10, norm(ORIGINAL)), (11, norm(UNRELATED)), (12, norm(ORIGINAL + "！"))]
    assert fold(docs) == {12: 10}


def test_band_parameters_and_validation() -> None:
    assert band_params(0.5, 128) == (18, 3)
    bands, rows = band_params(0.8, 128)
    assert bands * rows <= 128
    with pytest.raises(ValueError):
        NearDuplicateIndex(threshold=0.0)
    with pytest.raises(ValueError):
        NearDuplicateIndex(capacity=0)


# ---------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    ["疫情", "防控", "确诊", "病例", "武汉", "口罩", "隔离", "，", "。", "3例"]
)
_TEXTS = st.lists(_WORDS, max_size=30).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXTS, max_size=25))
def test_never_a_copy_of_itself_or_of_a_later_document(texts: list[str]) -> None:
    index = NearDuplicateIndex(capacity=10)
    for doc_id, text in enumerate(texts, start=100):
        match = index.add_match(doc_id, text)
        if match is not None:
            assert 100 <= match.original_id < doc_id
            assert 100 <= match.matched_id < doc_id


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXTS, max_size=10), _TEXTS | st.text(max_size=40))
def test_the_same_text_twice_folds_the_second_onto_the_first(before: list[str], text: str) -> None:
    index = NearDuplicateIndex()
    for doc_id, other in enumerate(before):
        index.add(doc_id, other)
    first = index.add(1000, text)
    assert index.add(1001, text) == (1000 if first is None else first)


# ---------------------------------------------------------------- real data


def test_dedupe_figures_on_real_data_meet_their_floors() -> None:
    if not DATA.exists():
        pytest.skip(f"evaluation data not found at {DATA}")
    from bench.eval_matching import evaluate_all

    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    figures = evaluate_all(DATA)
    for key, floor in floors.items():
        if key.startswith(("dxy_", "script_")):
            assert figures[key] >= floor, f"{key}: {figures[key]:.4f} < floor {floor}"
