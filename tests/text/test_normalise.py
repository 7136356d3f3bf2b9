"""The matching form: one language across scripts, stable, free of invisible characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yuqing.text import detect_script, matching_form, pseudonymise
from yuqing.text.normalise import to_traditional


def test_traditional_and_simplified_meet() -> None:
    assert matching_form("昆都侖區") == matching_form("昆都仑区") == "昆都仑区"
    assert matching_form("核酸檢測") == "核酸检测"


def test_full_width_and_invisible_characters_fold() -> None:
    assert matching_form("ＣＯＶＩＤ－１９\u200b疫\ufeff情") == "covid-19疫情"
    assert matching_form("  a\t\u3000 b  ") == "a b"


def test_the_display_form_keeps_chinese_punctuation() -> None:
    from yuqing.text.normalise import clean

    assert clean("记者获悉，昆都侖區\u200b新增检测点！\r\n") == "记者获悉，昆都侖區新增检测点！"
    assert matching_form("记者获悉，新增！") == "记者获悉,新增!"


def test_script_detection() -> None:
    assert detect_script("醫護人員辛苦了，感謝你們的付出") == "hant"
    assert detect_script("医护人员辛苦了，感谢你们的付出") == "hans"
    assert detect_script("hello 123") == "none"


def _gb2312_level1() -> str:
    """The 3,755 common characters (GB 2312 level 1), decoded from their code points."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


COMMON = _gb2312_level1()
han_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from("，。！ ab1\u200b"),
    ),
    max_size=60,
)
common_text = st.text(
    alphabet=st.one_of(st.sampled_from(COMMON), st.sampled_from("，。 a1")), max_size=60
)


@given(han_text)
def test_matching_form_is_idempotent(text: str) -> None:
    once = matching_form(text)
    assert matching_form(once) == once


@given(common_text)
def test_traditional_rendering_has_the_same_matching_form(text: str) -> None:
    """Property: a simplified text and its traditional rendering match as one.

    Holds for the common characters; OpenCC maps a handful of rare variant characters
    (馀, 钜, 锺 …) to traditional forms that come back as other simplified characters."""
    simplified = matching_form(text)
    assert matching_form(to_traditional(simplified)) == simplified


def test_all_common_characters_round_trip() -> None:
    assert len(COMMON) == 3755
    assert all(matching_form(to_traditional(c)) == matching_form(c) for c in COMMON)


def test_pseudonyms_are_stable_keyed_and_case_blind() -> None:
    a = pseudonymise("江边的猫", "k" * 32)
    assert a == pseudonymise(" 江边的猫 ", "k" * 32)
    assert a != pseudonymise("江边的猫", "j" * 32)
    assert pseudonymise("Cat", "k" * 32) == pseudonymise("cat", "k" * 32)
    assert a.startswith("用户-") and len(a) == 13
