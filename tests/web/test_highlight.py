"""Marking searched words in what a page shows: either script, nothing else changed."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from yuqing.web.highlight import highlight, marks_for, snippet


def test_a_simplified_word_marks_its_traditional_form() -> None:
    marked = highlight("昆都侖區口罩價格上漲，口罩", marks_for("口罩 价格"))
    assert str(marked) == "昆都侖區<mark>口罩價格</mark>上漲，<mark>口罩</mark>"


def test_the_text_is_escaped_around_the_marks() -> None:
    assert str(highlight("<b>口罩</b>", ["口罩"])) == "&lt;b&gt;<mark>口罩</mark>&lt;/b&gt;"


def test_a_snippet_starts_near_the_first_mark() -> None:
    text = "无关" * 100 + "核酸检测" + "其他" * 100
    shown = str(snippet(text, marks_for("核酸")))
    assert shown.startswith("…") and shown.endswith("…") and "<mark>核酸</mark>" in shown


@given(
    st.text(alphabet="口罩價格价格核酸檢測检测 ABCab<&>", max_size=60),
    st.lists(st.sampled_from(["口罩", "价格", "检测", "ab", "核"]), max_size=3),
)
def test_marking_only_adds_marks(text: str, words: list[str]) -> None:
    marked = str(highlight(text, marks_for(" ".join(words))))
    assert html.unescape(marked.replace("<mark>", "").replace("</mark>", "")) == text
    assert marked.count("<mark>") == marked.count("</mark>")
