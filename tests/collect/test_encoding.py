"""Decoding fetched bytes: BOM, declared charset, <meta>, strict UTF-8, then the
GB18030/Big5 choice — and nothing ever raises."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from yuqing.collect.encoding import decode, normalise_label

SIMPLIFIED = "市民反映小区停水问题，有关部门已经介入处理。"
TRADITIONAL = "市民反映社區停水問題，有關部門已經介入處理。"
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("Big5", "big5"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("euc-jp", "euc_jp"),
        ("utf-7", None),
        ("UTF_7", None),
        ("unicode_escape", None),
        ("raw-unicode-escape", None),
        ("base64", None),
        ("rot13", None),
        ("no-such-charset", None),
    ],
)
def test_labels(label: str, codec: str | None) -> None:
    assert normalise_label(label) == codec


def test_bom_wins_over_the_header() -> None:
    body = codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")
    assert decode(body, "text/html; charset=gbk") == (SIMPLIFIED, "utf-8")
    body = codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le")
    assert decode(body, None) == (SIMPLIFIED, "utf-16-le")


def test_header_charset_gbk_uses_gb18030() -> None:
    # 𠮷 is outside GBK; pages labelled gbk carry such characters in GB18030.
    text = SIMPLIFIED + "𠮷"
    assert decode(text.encode("gb18030"), "text/html; charset=GBK") == (text, "gb18030")


def test_quoted_header_charset() -> None:
    assert decode(TRADITIONAL.encode("big5"), 'text/html; charset="big5"') == (TRADITIONAL, "big5")


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="gbk">',
        "<meta charset=gb2312>",
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=GBK'>",
    ],
)
def test_meta_charset(head: str) -> None:
    page = f"<html><head>{head}<title>停水通知</title></head><body>{SIMPLIFIED}</body></html>"
    assert decode(page.encode("gbk"), "text/html") == (page, "gb18030")


def test_xml_declaration() -> None:
    feed = f'<?xml version="1.0" encoding="big5"?><rss><title>{TRADITIONAL}</title></rss>'
    assert decode(feed.encode("big5"), "application/rss+xml") == (feed, "big5")


def test_meta_beyond_two_kilobytes_is_not_read() -> None:
    page = "<!--" + "x" * 2100 + '--><meta charset="big5">' + TRADITIONAL
    # Without the label the bytes are still recognised as Big5 by scoring.
    assert decode(page.encode("big5"), None) == (page, "big5")


def test_wrong_declaration_does_not_produce_mojibake() -> None:
    page = f'<meta charset="gb2312">{SIMPLIFIED}'
    assert decode(page.encode("utf-8"), "text/html; charset=gbk") == (page, "utf-8")


def test_weak_latin1_label_yields_to_the_content() -> None:
    # Servers send iso-8859-1 by default; the page says otherwise.
    page = f'<meta charset="gbk">{SIMPLIFIED}'
    assert decode(page.encode("gbk"), "text/html; charset=ISO-8859-1") == (page, "gb18030")
    assert decode(SIMPLIFIED.encode("utf-8"), "text/html; charset=iso-8859-1")[1] == "utf-8"
    assert decode("café crème".encode("latin-1"), "text/html; charset=iso-8859-1") == (
        "café crème",
        "cp1252",
    )


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
        ("<title>疫情防控</title>", "gb18030"),
        ("<title>疫情防控</title>".replace("疫情防控", "新聞發布"), "big5"),
        ("今日要闻：暴雨", "gb18030"),
        ("今日要聞：暴雨", "big5"),
        ("關於", "big5"),
        ("中文", "big5"),
    ],
)
def test_undeclared_chinese(text: str, codec: str) -> None:
    assert decode(text.encode(codec), None) == (text, codec)


def test_short_gbk_that_is_also_valid_utf8() -> None:
    body = "停水通知".encode("gbk")
    body.decode("utf-8")  # the trap: these GBK bytes are valid UTF-8 too
    assert decode(body, None) == ("停水通知", "gb18030")
    # Real UTF-8 in the same ranges stays UTF-8.
    assert decode("naïve café ŝ".encode(), None) == ("naïve café ŝ", "utf-8")


def test_plain_utf8_and_ascii() -> None:
    assert decode(SIMPLIFIED.encode("utf-8"), None) == (SIMPLIFIED, "utf-8")
    assert decode(b"plain ascii", None) == ("plain ascii", "utf-8")
    assert decode(b"", None) == ("", "utf-8")


def test_undecidable_bytes_fall_back_to_utf8_with_replacement() -> None:
    text, codec = decode(b"abc \xff\xfd \x80\x81", "text/plain")
    assert codec == "utf-8"
    assert "\ufffd" in text and "abc" in text


@given(
    text=st.text(),
    codec_and_label=st.sampled_from(
        [("utf-8", "utf-8"), ("utf-8", "UTF8"), ("gb18030", "gb18030"), ("gb18030", "GB18030")]
    ),
)
def test_declared_charset_round_trips(text: str, codec_and_label: tuple[str, str]) -> None:
    codec, label = codec_and_label
    body = text.encode(codec)
    # A leading byte-order mark outranks any declaration, by design.
    assume(not body.startswith(BOMS))
    assert decode(body, f"text/html; charset={label}") == (text, codec)


@given(
    body=st.binary(max_size=4096),
    content_type=st.none() | st.text(max_size=80) | st.just("text/html; charset=big5"),
)
def test_arbitrary_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    text, codec = decode(body, content_type)
    assert isinstance(text, str)
    assert codecs.lookup(codec)


@given(body=st.binary(max_size=512), head=st.sampled_from(["", '<meta charset="gbk">', "<?xml "]))
def test_arbitrary_bytes_after_markup_never_raise(body: bytes, head: str) -> None:
    text, _codec = decode(head.encode() + body, None)
    assert isinstance(text, str)
