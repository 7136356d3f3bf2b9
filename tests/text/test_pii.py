"""Redaction of personal data: what must go, what must stay, and properties that
hold for any text (no valid ID or mobile number survives, redaction is stable)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.text.pii import KINDS, Redaction, fold, redact

# --- independent validators and builders (not the module's code paths) ---------

PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44]
PROVINCES += [45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
PLATE_CHARS = set(
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼滬雲遼魯蘇贛晉陝閩貴粵寧瓊"
)


def mod11_2_ok(code: str) -> bool:
    """ISO 7064 MOD 11-2 over all 18 characters (X = 10) must leave 1."""
    values = [10 if c in "Xx" else int(c) for c in code]
    return sum(v << (17 - i) for i, v in enumerate(values)) % 11 == 1


def id_is_valid(code: str) -> bool:
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", code) or int(code[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return bool(date(1900, 1, 1) <= born <= date.today()) and mod11_2_ok(code)


def make_id(first17: str) -> str:
    """The first 17 characters completed with their check character."""
    return next(first17 + c for c in "0123456789X" if mod11_2_ok(first17 + c))


def luhn_complete(body: str) -> str:
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


def luhn_ok(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def placeholder(kind: str) -> str:
    return f"[{KINDS[kind]}已隐去]"


ID_A = make_id("15020319850612003")
ID_B = make_id("11010519491231002")  # its check character is X
CARD = luhn_complete("622202123456789")

# --- examples of each kind ------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 13800138000",
        "+86-138-0013-8000",
        "008613800138000",
        "8613800138000",
        "013800138000",
        "１３８００１３８０００",
        "１３８　００１３　８０００",
        "＋８６１３８００１３８０００",
    ],
)
def test_mobile_spellings(spelling: str) -> None:
    result = redact(f"请联系我{spelling}，谢谢")
    assert result.text == f"请联系我{placeholder('mobile')}，谢谢"
    assert result.counts == {"mobile": 1}


@pytest.mark.parametrize(
    "number",
    [
        "010-12345678",
        "(0472)1234567",
        "0472-2345678",
        "（０４７２）２３４５６７８",
        "0472 2345678转123",
    ],
)
def test_landlines(number: str) -> None:
    assert redact(f"办公室电话{number}。").text == f"办公室电话{placeholder('landline')}。"


def test_id_cards_eighteen_fifteen_grouped_and_full_width() -> None:
    grouped = f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}"
    for written in (ID_A, ID_B, ID_B.lower(), grouped, full_width(ID_A), "150203850612003"):
        result = redact(f"身份证号：{written}，")
        assert result.text == f"身份证号：{placeholder('id_card')}，", written
        assert result.counts == {"id_card": 1}


def test_invalid_ids_are_left_alone() -> None:
    wrong_check = ID_A[:17] + ("1" if ID_A[17] == "0" else "0")
    future = make_id(f"150203{date.today().year + 1}0101003")
    for text in (
        f"编号{wrong_check}",
        "编号150203850632003",
        f"编号{future}",
        "编号990203850612003",
    ):
        assert redact(text).text == text


def test_bank_cards_need_luhn() -> None:
    grouped = " ".join(CARD[i : i + 4] for i in range(0, 16, 4))
    assert redact(f"卡号{CARD}。").text == f"卡号{placeholder('bank_card')}。"
    assert redact(f"卡号{grouped}。").text == f"卡号{placeholder('bank_card')}。"
    assert redact(f"卡号{full_width(CARD)}").counts == {"bank_card": 1}
    broken = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert redact(f"卡号{broken}。").text == f"卡号{broken}。"


def test_email_and_plates() -> None:
    result = redact(
        "邮箱ｚｈａｎｇ.san@163.com，车牌蒙B·12345、京AD12345、粤B12345D、遼A 12345、川a12345"
    )
    assert result.counts == {"email": 1, "plate": 5}
    assert "163" not in result.text and "12345" not in result.text
    assert redact("型号京ABCDE1").text == "型号京ABCDE1"


def test_full_width_text_around_is_kept_as_written() -> None:
    text = "Ａ电话：１３８　００１３　８０００，ｂ２０２６年"
    assert redact(text).text == "Ａ电话：" + placeholder("mobile") + "，ｂ２０２６年"
    assert len(fold("㎡１２ＡＢ①")) == len("㎡１２ＡＢ①")


def test_numbers_that_are_not_personal_data_stay() -> None:
    for text in (
        "11月16日0时至24时，新增病例25例，累计1270辆次，7620人次。",
        "2026-11-16 09:30发布，2026年11月16日，12:00-13:00，20261116",
        "猪肉12.5元/斤，同比上涨3.5%，1999年以来最高。",
        "请拨打12345、12320、110、120，区划代码150203。",
        "订单号202611161380013800012，交易号13800138000123456",
        "详见 https://www.example.gov.cn/2026/11/16/art_12345_678.html",
        "客服热线400-800-1234",
    ):
        assert redact(text).text == text, text
        assert redact(text).total == 0


def test_privacy_lead_on_a_leaked_list() -> None:
    names = "张王李赵刘"
    lines = [
        f"{n}某 身份证{make_id(f'150203198506{10 + i}00{i}')} 手机1380013800{i}"
        for i, n in enumerate(names)
    ]
    result = redact("\n".join(lines))
    assert result.counts == {"id_card": 5, "mobile": 5}
    assert result.total == 10
    assert result.is_privacy_lead
    assert not any(c.isdigit() for c in result.text)


def test_privacy_lead_thresholds() -> None:
    help_request = redact("我家老人走失了，好心人请联系13800138000，13800138000，138-0013-8000")
    assert help_request.counts == {"mobile": 3} and not help_request.is_privacy_lead
    assert not redact("联系13800138000或13900139000，邮箱a@b.cn").is_privacy_lead
    assert redact("13800138000、13900139000、13700137000").is_privacy_lead
    assert redact(f"甲{ID_A} 13800138000；乙{ID_B} 13900139000").is_privacy_lead
    assert Redaction("x", {"mobile": 2, "email": 2}).is_privacy_lead


# --- properties -----------------------------------------------------------------

context = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("，。：（）０１２３４５６７８９＠　-"),
    ),
    max_size=30,
)
# Characters that end a digit run whatever comes before or after them.
boundary = st.sampled_from(list("，。：:;(（a是X）"))


@st.composite
def mixed_width(draw: st.DrawFn, text: str) -> str:
    wide = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(full_width(c) if w else c for c, w in zip(text, wide, strict=True))


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(PROVINCES))
    county = draw(st.integers(0, 9999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    sequence = draw(st.integers(0, 999))
    code = make_id(f"{province:02d}{county:04d}{born:%Y%m%d}{sequence:03d}")
    return code.lower() if draw(st.booleans()) else code


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(core eleven digits, how it is written)."""
    core = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 10**9 - 1)):09d}"
    seps = draw(st.sampled_from(["", "  ", "--", " -", "- "]))
    body = core if not seps else f"{core[:3]}{seps[0]}{core[3:7]}{seps[1]}{core[7:]}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "86-", "0"]))
    return core, draw(mixed_width(prefix + body))


def valid_ids_in(text: str) -> list[str]:
    found = re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx]", fold(text))
    return [c for c in found if id_is_valid(c)]


@given(valid_ids(), context, boundary, boundary, context)
def test_no_valid_id_survives(code: str, before: str, left: str, right: str, after: str) -> None:
    text = before + left + code + right + after
    out = redact(text).text
    assert code.upper() not in fold(out).upper()
    assert valid_ids_in(out) == []


@given(valid_ids().flatmap(mixed_width))
def test_full_width_ids_are_found(written: str) -> None:
    assert redact(f"证件{written}号").text == f"证件{placeholder('id_card')}号"


@given(mobiles(), context, boundary, boundary, context)
def test_no_mobile_survives(
    mobile: tuple[str, str], before: str, left: str, right: str, after: str
) -> None:
    core, written = mobile
    out = redact(before + left + written + right + after).text
    assert core not in re.sub(r"[ \-]", "", fold(out))


# Pieces that look like personal data, or like the edges of it.
PIECES = [ID_A, ID_B, CARD, "013800138000", "138 0013 8000", "+86", "0472-", "(010)", "转12"]
PIECES += ["@qq.com", "a.b@c.cn", "蒙B·", "京A", "川a", "12345", "2026-11-16", "０", "Ｘ", "·", "D"]
fragments = st.sampled_from(PIECES)
messy = st.lists(
    st.one_of(
        fragments, valid_ids(), st.text(max_size=6), st.text("0123456789 -Xx@.", max_size=12)
    ),
    max_size=14,
).map("".join)


@given(messy)
def test_redaction_never_raises_and_is_idempotent(text: str) -> None:
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert twice.counts == {}


def _cannot_hold_pii(char: str) -> bool:
    folded = unicodedata.normalize("NFKC", char)
    return not any(c.isdigit() or c == "@" or c in PLATE_CHARS for c in folded)


@given(st.text(st.characters().filter(_cannot_hold_pii)))
def test_text_without_digits_at_or_plate_characters_is_unchanged(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.counts == {} and not result.is_privacy_lead
