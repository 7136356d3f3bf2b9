"""HTML to text keeps what a reader sees and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yuqing.text.html import html_to_text


def test_blocks_become_lines_and_scripts_vanish() -> None:
    markup = "<p>第一段<b>加粗</b></p><script>alert(1)</script><div>第二段<br>换行</div>"
    assert html_to_text(markup) == "第一段加粗\n第二段\n换行"


def test_plain_text_passes_through() -> None:
    assert html_to_text("  没有标签 a < b  ") == "没有标签 a < b"


def test_entities_are_decoded() -> None:
    assert html_to_text("<p>价格&nbsp;上涨 &amp; 排队</p>") == "价格\xa0上涨 & 排队"


@given(st.text(max_size=200))
def test_never_raises(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)
