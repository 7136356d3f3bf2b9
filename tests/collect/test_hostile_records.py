"""Hostile records (issue 15): javascript:/data: links (5), XML-illegal and control
characters (6), relative export times (8), CR-only files, blank rows and title rows
(9), unmapped columns holding personal data (16), one decoder for CSV (3)."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from yuqing.collect.files import count_records, dry_run, read_records
from yuqing.collect.ingest import SourceInfo, ingest, prepare_row, web_link
from yuqing.collect.manual import add_manual_item
from yuqing.collect.presets import GENERIC, WEIBO, parse_date
from yuqing.collect.records import RawItem, Rejected
from yuqing.desk.exports import Table, to_xlsx
from yuqing.errors import BadInput
from yuqing.store.db import Database
from yuqing.store.models import Item

TZ = ZoneInfo("Asia/Shanghai")
SECRET = "s" * 32
SOURCE = SourceInfo(None, "file", False, None, "导入")
NOW = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def raw(body: str = "正文", **fields: object) -> RawItem:
    return RawItem(body=body, published_at=NOW, **fields)  # type: ignore[arg-type]


# ------------------------------------------------------------------ 5: links


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:x",
        "data:text/html,<b>",
        "vbscript:x",
    ],
)
def test_manual_entry_refuses_links_that_are_not_http(sqlite_db: Database, url: str) -> None:
    with sqlite_db.transaction() as session, pytest.raises(BadInput, match="http"):
        add_manual_item(session, text="看到的帖子", url=url, secret=SECRET, user_id=None)


def test_manual_entry_keeps_an_https_link(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as session:
        item_id, _ = add_manual_item(
            session, text="看到的帖子", url="https://weibo.com/1/A", secret=SECRET, user_id=None
        )
    with sqlite_db.reading() as session:
        item = session.get(Item, item_id)
        assert item is not None and item.url == "https://weibo.com/1/A"


def test_a_collected_record_never_stores_a_script_link() -> None:
    assert prepare_row(raw(url="javascript:alert(1)"), SOURCE, SECRET, NOW)["url"] is None
    assert prepare_row(raw(url="http://x.example/1"), SOURCE, SECRET, NOW)["url"] == (
        "http://x.example/1"
    )


@given(st.text(max_size=60))
def test_web_link_only_ever_answers_http_or_https(url: str) -> None:
    link = web_link(url)
    assert link is None or link.lower().startswith(("http://", "https://"))


# ---------------------------------------------- 6: XML-illegal, control characters


def test_xlsx_export_survives_xml_illegal_characters() -> None:
    cells = ["前\ufffe后", "铃\x07声", "空\x00字", "半\ud800代理", "换\n行\t制表"]
    data = to_xlsx(Table("条目", ["文本", "b\uffff"], [cells]))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("前后", "铃声", "空字", "半代理", "换\n行\t制表")


@given(st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_xlsx_export_writes_any_text(cells: list[str]) -> None:
    openpyxl.load_workbook(io.BytesIO(to_xlsx(Table("t", ["a"] * len(cells), [cells]))))


def test_control_characters_are_removed_at_ingest() -> None:
    row = prepare_row(raw("正\x00文\x07内\ufffe容\x1b", title="标\x08题"), SOURCE, SECRET, NOW)
    assert (row["text_original"], row["title"]) == ("正文内容", "标题")


# ------------------------------------------------------------- 8: relative times

REF = datetime(2026, 11, 16, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("刚刚", REF),
        ("5分钟前", datetime(2026, 11, 16, 9, 55, tzinfo=TZ)),
        ("3小时前", datetime(2026, 11, 16, 7, 0, tzinfo=TZ)),
        ("今天 08:00", datetime(2026, 11, 16, 8, 0, tzinfo=TZ)),
        ("昨天 09:30", datetime(2026, 11, 15, 9, 30, tzinfo=TZ)),
        ("前天 21:05", datetime(2026, 11, 14, 21, 5, tzinfo=TZ)),
        ("11-15 23:10", datetime(2026, 11, 15, 23, 10, tzinfo=TZ)),
        ("12月31日 23:00", datetime(2025, 12, 31, 23, 0, tzinfo=TZ)),
    ],
)
def test_relative_times_count_back_from_the_export(shown: str, expected: datetime) -> None:
    assert parse_date(shown, TZ, reference=REF) == expected


def test_without_a_reference_relative_times_are_still_refused() -> None:
    with pytest.raises(BadInput):
        parse_date("5分钟前", TZ)


def test_an_export_is_read_against_its_own_time(tmp_path: Path) -> None:
    path = tmp_path / "weibo.csv"
    path.write_text("微博正文,发布时间\n排队,刚刚\n排队两小时,昨天 09:30\n", "utf-8")
    os.utime(path, (REF.timestamp(), REF.timestamp()))  # the export was saved at REF
    first, second = list(read_records(path, WEIBO, tz=TZ))
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert first.published_at == REF
    assert second.published_at == datetime(2026, 11, 15, 9, 30, tzinfo=TZ)


# ------------------------------------------------- 9: line ends, blank and title rows


def test_cr_only_file_counts_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"title,text,time\r\xe4\xb8\x80,a,2026-11-16 09:30\rb,b,2026-11-16 09:31\r")
    assert count_records(path) == 2
    assert len([r for r in read_records(path, GENERIC, tz=TZ) if isinstance(r, RawItem)]) == 2


def test_dry_run_reports_blank_rows_and_a_title_row_in_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["青岚市网络舆情导出（11月16日）"],
        ["标题", "正文", "发布时间"],
        [],
        ["a", "b", "2026-11-16 09:30"],
        [None, None],
        ["c", "d", "2026-11-16 09:31"],
    ):
        sheet.append(row)
    book.save(path)
    result = dry_run(path, GENERIC, tz=TZ)
    assert result.columns_found == ["标题", "正文", "发布时间"] and result.missing_required == []
    assert any("title above the header" in n and "青岚市网络舆情导出" in n for n in result.notes)
    assert "2 blank row(s) skipped: sheet Sheet row 3, sheet Sheet row 5" in result.notes
    assert [r.position for r in result.rows] == ["sheet Sheet row 4", "sheet Sheet row 6"]
    stored = [r for r in read_records(path, GENERIC, tz=TZ) if isinstance(r, RawItem)]
    assert [r.title for r in stored] == ["a", "c"]


def test_a_first_row_that_is_the_header_is_no_title(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("标题,正文,发布时间\na,b,2026-11-16 09:30\n", "utf-8")
    assert dry_run(path, GENERIC, tz=TZ).notes == ["encoding: utf-8-sig"]


# ------------------------------------------------------ 16: unmapped personal data


def test_unmapped_columns_are_dropped_unless_kept(tmp_path: Path) -> None:
    path = tmp_path / "weibo.csv"
    path.write_text(
        "微博正文,发布时间,手机,主页\n排队,2026-11-16 09:30,13800138000,https://weibo.com/u/1\n",
        "utf-8",
    )
    [dropped] = list(read_records(path, WEIBO, tz=TZ))
    assert isinstance(dropped, RawItem) and "extra" not in dropped.meta
    [kept] = list(read_records(path, WEIBO, tz=TZ, keep_columns=["手机"]))
    assert isinstance(kept, RawItem) and kept.meta["extra"] == {"手机": "13800138000"}


def test_kept_columns_are_stored_redacted(sqlite_db: Database) -> None:
    extra = {"手机": "13800138000", "qq": 123456789, "身份证": 110101199003071233, "粉丝": 12}
    record = raw("正文", meta={"extra": {**extra, "备注": "QQ 123456789"}})
    ingest(sqlite_db, SOURCE, [record], secret=SECRET)
    with sqlite_db.reading() as session:
        item = session.scalars(select(Item)).one()
    assert item.meta["extra"] == {
        "手机": "[手机号已隐去]",
        "qq": 123456789,  # a bare number without a cue is kept as it is
        "身份证": "[身份证号已隐去]",
        "粉丝": 12,
        "备注": "QQ [QQ号已隐去]",
    }
    assert item.pii == {"mobile": 1, "id_card": 1, "qq": 1}


# ------------------------------------------------------------ 3: one decoder for CSV


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("latin-1", "Café Müller señor à la française"),
        ("cp1252", "Grüße aus Köln — 5 €"),
        ("big5", "關於口罩供應的說明"),
        ("gb18030", "关于口罩供应的说明"),
    ],
)
def test_csv_encoding_is_the_decoders_choice(tmp_path: Path, codec: str, text: str) -> None:
    """A Latin-1 file is no longer read as GB18030, a Big5 one no longer as GB18030
    either, and the dry run names the encoding used."""
    path = tmp_path / "posts.csv"
    path.write_bytes(f"title,text,time\n{text},{text},2026-11-16 09:30\n".encode(codec))
    [record] = list(read_records(path, GENERIC, tz=TZ))
    assert isinstance(record, RawItem) and record.body == text
    [note] = dry_run(path, GENERIC, tz=TZ).notes
    used = note.removeprefix("encoding: ")
    assert path.read_bytes().decode(used).endswith(f"{text},2026-11-16 09:30\n")
    assert (used == "gb18030") == (codec == "gb18030")


@settings(max_examples=40)
@given(
    rows=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), max_size=5),
    codec=st.sampled_from(["utf-8", "gb18030", "big5", "cp1252", "utf-16"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_csv_rows_never_raise_but_bad_input(
    rows: list[list[str]], codec: str, newline: str
) -> None:
    lines = ["标题,正文,发布时间", *(",".join(r) for r in rows)]
    data = newline.join(lines).encode(codec, "replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            records = list(read_records(path, GENERIC, tz=TZ))
            dry_run(path, GENERIC, tz=TZ)
        except BadInput:
            return
        assert all(isinstance(r, RawItem | Rejected) for r in records)
        assert count_records(path) is not None
