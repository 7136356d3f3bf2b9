"""Property tests for the parsers of outside input not covered elsewhere: listing
pages (links found are http(s) only) and XLSX rows (any cell values)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.collect.connectors.web import article_links
from yuqing.collect.files import dry_run, read_records
from yuqing.collect.presets import GENERIC
from yuqing.collect.records import RawItem, Rejected
from yuqing.errors import BadInput

TZ = ZoneInfo("Asia/Shanghai")
_HREF = st.sampled_from(
    ["/a/1.html", "javascript:alert(1)", "data:text/html,x", "http://other.example/2", " //x/3"]
)


@settings(max_examples=60)
@given(
    hrefs=st.lists(st.one_of(_HREF, st.text(max_size=20)), max_size=6), junk=st.text(max_size=80)
)
def test_listing_pages_yield_only_http_links(hrefs: list[str], junk: str) -> None:
    anchors = "".join(f'<a href="{h.replace(chr(34), "")}">x</a>' for h in hrefs)
    html = f"<html><body>{junk}{anchors}</body></html>"
    try:
        links = article_links(html, "http://news.example/list", {"same_host": False})
    except BadInput:
        return
    assert all(link.startswith(("http://", "https://")) for link in links)


_CELL = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=15),
    st.integers(min_value=-(10**12), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=30)
@given(
    rows=st.lists(st.lists(_CELL, max_size=5), max_size=6),
    title=st.booleans(),
)
def test_xlsx_rows_never_raise_but_bad_input(rows: list[list[object]], title: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        if title:
            sheet.append(["某市舆情导出"])
        sheet.append(["标题", "正文", "发布时间"])
        for row in rows:
            sheet.append(row)
        book.save(path)
        try:
            records = list(read_records(path, GENERIC, tz=TZ))
        except BadInput:
            return
        assert all(isinstance(r, RawItem | Rejected) for r in records)
        assert dry_run(path, GENERIC, tz=TZ).missing_required == []
