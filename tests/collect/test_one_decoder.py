"""One decoder for every input (issue 15, finding 3): pages, feeds, e-mail and CSV
make the same decision on the same bytes; UTF-7 is never honoured; a label that
contradicts the bytes (GB2312 on Big5) loses; non-Chinese text is left to
charset-normalizer and comes out right."""

from __future__ import annotations

import tempfile
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.collect.encoding import decode, decode_labelled, detect
from yuqing.collect.mail import MailReport, parse_message
from yuqing.collect.mail_text import decode_bytes, decode_text_header
from yuqing.collect.records import Rejected
from yuqing.collect.tables import csv_encoding

SAMPLES = [
    ("关于口罩供应的说明，请市民放心购买", "gb18030", None),
    ("關於口罩供應的說明，請市民放心購買", "big5", None),
    ("關於口罩供應的說明，請市民放心購買", "big5", "gb2312"),  # the label is wrong
    ("关于口罩供应的说明，请市民放心购买", "gb18030", "big5"),  # the label is wrong
    ("Grüße aus Köln, das Gesundheitsamt öffnet früher", "cp1252", "iso-8859-1"),
    ("Управление здравоохранения сообщает о прививках", "cp1251", None),
    ("保健所は来週から集団接種を行うと発表しました", "shift_jis", None),
]


@pytest.mark.parametrize(("text", "codec", "label"), SAMPLES)
def test_every_input_reads_the_same_bytes_the_same_way(
    text: str, codec: str, label: str | None, tmp_path: Path
) -> None:
    data = text.encode(codec)
    page, _ = decode(data, f"text/html; charset={label}" if label else "text/html")
    mail = decode_bytes(data, label)
    csv_file = tmp_path / "one.csv"
    csv_file.write_bytes(data)
    from_csv = data.decode(csv_encoding(csv_file))
    assert page == mail == from_csv == text


def test_utf7_is_never_honoured_in_mail_or_pages() -> None:
    smuggled = b"+ADw-script+AD4-"  # "<script>" in UTF-7
    assert decode_bytes(smuggled, "utf-7") == "+ADw-script+AD4-"
    assert decode(smuggled, "text/html; charset=utf-7")[0] == "+ADw-script+AD4-"
    header = "=?utf-7?q?+ADw-script+AD4-?="
    assert "<script>" not in decode_text_header(header)


def test_big5_mail_under_a_gb2312_label() -> None:
    msg = Message()
    msg["Subject"] = "零報告"
    msg["From"] = "officer@qinglan.gov.cn"
    msg.set_payload("關於本週輿情：今日無情況。".encode("big5"))
    msg["Content-Type"] = 'text/plain; charset="gb2312"'
    report = parse_message(msg.as_bytes(), origin="test", position="message 1")
    assert isinstance(report, MailReport) and "今日無情況" in report.body


def test_a_cut_sample_still_detects_its_codec() -> None:
    data = ("关于口罩供应的说明" * 50).encode("gb18030")
    assert detect(data[:101]) == "gb18030"  # the cut falls inside a character
    assert detect(b"\xef\xbb\xbfabc") == "utf-8-sig"
    assert detect("\ufeff表".encode("utf-16-le")) == "utf-16"


@settings(max_examples=80)
@given(st.binary(max_size=300), st.none() | st.sampled_from(["gb2312", "big5", "utf-7", "x"]))
def test_labelled_decoding_never_raises(data: bytes, label: str | None) -> None:
    assert isinstance(decode_labelled(data, label), str)


@settings(max_examples=60)
@given(st.binary(max_size=600))
def test_parse_message_on_arbitrary_bytes_is_a_report_or_a_rejection(data: bytes) -> None:
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\n" + data
    result = parse_message(raw, origin="t", position="m1")
    assert isinstance(result, MailReport | Rejected)


@settings(max_examples=40)
@given(st.binary(max_size=400))
def test_csv_encoding_of_arbitrary_bytes_is_a_codec(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(data)
        data.decode(csv_encoding(path), "replace")


def test_other_languages_floor_and_never_behind_charset_normalizer() -> None:
    """bench.eval_encoding's non-Chinese corpus (no shared data needed): the decoder
    keeps its figure and stays ahead of charset-normalizer alone."""
    import json

    from bench.eval_encoding import correct, normalizer_detector, other_corpus

    floor = json.loads((Path(__file__).parent / "floors_encoding.json").read_text("utf-8"))
    corpus = other_corpus()
    ours = sum(correct(decode(b, None)[1], b, t) for _g, _c, t, b in corpus) / len(corpus)
    theirs = sum(correct(normalizer_detector(b), b, t) for _g, _c, t, b in corpus) / len(corpus)
    assert ours >= floor["other_languages_combined"]
    assert ours > theirs
