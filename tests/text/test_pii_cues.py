"""Redaction by context cues (issue 15, finding 18): an ID number with a wrong
check digit right after "身份证", QQ numbers, WeChat ids and home addresses; the
labelled benchmark's precision and recall never fall below their floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.eval_pii import evaluate
from yuqing.text.pii import redact

FLOORS = json.loads((Path(__file__).parent / "floors_pii.json").read_text("utf-8"))
BAD_CHECK_DIGIT = "110101199003071235"  # 110101199003071233 has the right one


def test_wrong_check_digit_right_after_the_cue_is_redacted() -> None:
    result = redact(f"身份证号{BAD_CHECK_DIGIT}，请核实")
    assert result.text == "身份证号[身份证号已隐去]，请核实"
    assert result.counts == {"id_card": 1}


def test_the_same_number_without_a_cue_is_left() -> None:
    assert redact(f"订单号{BAD_CHECK_DIGIT}已发货").counts == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有事加我QQ 123456789", "有事加我QQ [QQ号已隐去]"),
        ("ＱＱ：５５６６７７８８", "ＱＱ：[QQ号已隐去]"),
        ("微信：zhang_san88，拼单", "微信：[微信号已隐去]，拼单"),
        ("vx: abc12345 代购", "vx: [微信号已隐去] 代购"),
        ("家住解放路12号3单元502室，求助", "家住[住址已隐去]，求助"),
        ("隔壁3栋2单元502室有人咳嗽", "隔壁[住址已隐去]有人咳嗽"),
    ],
)
def test_cued_kinds_are_replaced_visibly(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "QQ群 12345678",
        "关注微信公众号qinglanfabu",
        "检测点地址：青岚区人民路88号",
        "2号楼302会议室",
    ],
)
def test_public_things_near_cues_are_kept(text: str) -> None:
    assert redact(text).text == text


def test_labelled_benchmark_keeps_its_floors() -> None:
    scores = evaluate()
    for kind in ("id_card", "qq", "wechat", "address", "all"):
        assert scores[kind].recall >= FLOORS[f"{kind}_recall"], kind
        assert scores[kind].precision >= FLOORS.get(f"{kind}_precision", 1.0), kind


_QQ = st.integers(min_value=10_000, max_value=99_999_999_999).map(str)
_WECHAT = st.from_regex(r"[a-z][a-z0-9_]{5,15}", fullmatch=True)


@given(
    before=st.text(max_size=30),
    qq=_QQ,
    wechat=_WECHAT,
    after=st.text(st.characters(blacklist_categories=("Nd", "Lu", "Ll")), max_size=10),
)
def test_cued_values_never_survive_and_redaction_is_stable(
    before: str, qq: str, wechat: str, after: str
) -> None:
    text = f"{before}，QQ：{qq}，微信：{wechat}，{after}"
    once = redact(text)
    assert f"QQ：{qq}，" not in once.text
    assert f"微信：{wechat}，" not in once.text
    assert redact(once.text).text == once.text
