"""Export readers: every preset on a realistic small file, bad rows kept visible,
dates and Chinese counts, and the dry run."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.files import DryRun, count_records, dry_run, read_records
from yuqing.collect.presets import (
    GENERIC,
    PRESETS,
    WECHAT,
    WEIBO,
    normalise_header,
    parse_count,
    parse_date,
    resolve_columns,
    wechat_article_id,
)
from yuqing.collect.records import RawItem, Rejected
from yuqing.errors import BadInput

TZ = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))


def items(records: list[RawItem | Rejected]) -> list[RawItem]:
    return [r for r in records if isinstance(r, RawItem)]


def rejects(records: list[RawItem | Rejected]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def write_jsonl(path: Path, rows: list[object]) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


WEIBO_API_LINE = {
    "mid": "4900000000000001",
    "text": "小区今天又排队做核酸，两个小时了 #青岚疫情#",
    "created_at": "Mon Nov 16 09:30:00 +0800 2026",
    "user": {"screen_name": "江边的猫", "id": 1001, "verified": False},
    "reposts_count": 12,
    "comments_count": "1.2万",
    "attitudes_count": "10万+",
    "source": "iPhone客户端",
}


# ---------------------------------------------------------------- presets


def test_weibo_jsonl_with_nested_fields(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "weibo.jsonl", [WEIBO_API_LINE])
    keep = ["user.id", "user.verified", "source"]
    [item] = items(list(read_records(path, WEIBO, tz=TZ, keep_columns=keep)))
    assert item.body.startswith("小区今天又排队")
    assert item.author == "江边的猫"
    assert item.platform_id == "4900000000000001"
    assert item.url == "https://m.weibo.cn/detail/4900000000000001"
    assert item.published_at == datetime(2026, 11, 16, 9, 30, tzinfo=CST)
    assert (item.reposts, item.comments, item.likes, item.views) == (12, 12000, 100000, 0)
    assert item.kind == "post"
    assert item.position == "line 1" and item.origin == str(path)
    assert item.meta["import"] == {"preset": "weibo", "file": "weibo.jsonl"}
    assert item.meta["extra"] == {"user.id": 1001, "user.verified": False, "source": "iPhone客户端"}


def test_weibo_csv_in_utf8_with_bom_and_untidy_headers(tmp_path: Path) -> None:
    path = tmp_path / "weibo.csv"
    text = (
        " 微博ID ,用户昵称,微博正文,发布时间,转发数,评论数,点赞数,微博链接,IP属地\n"
        '4900000000000002,青岚发布,今天全区核酸检测点照常开放,2026-11-16 09:30,"1,234",3,'
        "1.2万,https://weibo.com/123/AbCd,青岚\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    [item] = list(read_records(path, WEIBO, tz=TZ, keep_columns=["IP属地"]))
    assert isinstance(item, RawItem)
    assert item.platform_id == "4900000000000002"
    assert item.url == "https://weibo.com/123/AbCd"  # the export's own link wins
    assert (item.reposts, item.comments, item.likes) == (1234, 3, 12000)
    assert item.published_at == datetime(2026, 11, 16, 9, 30, tzinfo=TZ)
    assert item.position == "row 2"
    assert item.meta["extra"] == {"IP属地": "青岚"}


def test_wechat_csv_in_gb18030_as_chinese_excel_writes(tmp_path: Path) -> None:
    path = tmp_path / "wechat.csv"
    link = "https://mp.weixin.qq.com/s?__biz=MzA5NjQ&mid=2650&idx=2&sn=ab12"
    rows = [
        "公众号名称,标题,摘要,发布时间,阅读数,在看数,原文链接",
        # 㐀 is outside GBK: only a GB18030 decode reads it
        f"青岚发布,关于调整核酸检测点的通知,自11月17日起㐀……,2026年11月16日 20:05,10万+,856,{link}",
        "青岚发布,关于开放疫苗接种预约的通知,,2026/11/16 21:00,3.5万,1.1万,",
    ]
    path.write_bytes("\r\n".join(rows).encode("gb18030"))
    first, second = items(list(read_records(path, WECHAT, tz=TZ)))
    assert first.kind == "article"
    assert first.author == "青岚发布" and first.title == "关于调整核酸检测点的通知"
    assert first.body == "自11月17日起㐀……"
    assert (first.views, first.likes) == (100000, 856)
    assert first.platform_id == "MzA5NjQ:2650:2"
    assert first.published_at == datetime(2026, 11, 16, 20, 5, tzinfo=TZ)
    assert second.body == "" and second.title == "关于开放疫苗接种预约的通知"
    assert (second.views, second.likes, second.url) == (35000, 11000, None)


def test_generic_xlsx_on_a_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    intro = workbook.worksheets[0]
    intro.title = "说明"
    intro.append(["本表由舆情系统导出"])
    sheet = workbook.create_sheet("帖子")
    sheet.append(["Title", "CONTENT", " URL ", "作者", "发布时间", "Likes", "Views", "ID"])
    sheet.append(
        [
            "发热门诊",
            "排队两小时",
            "https://bbs.example.cn/t/1",
            "网友A",
            datetime(2026, 11, 16, 9, 30),
            3,
            1200.0,
            4912345678901234,
        ]
    )
    sheet.append([None] * 8)
    sheet.append(
        [
            None,
            "核酸结果出得慢",
            None,
            None,
            "2026-11-16T01:30:00Z",
            None,
            None,
            None,
            "备注：待核实",
        ]
    )
    workbook.save(path)

    with pytest.raises(BadInput, match="本表由舆情系统导出"):  # the first sheet by default
        read_records(path, GENERIC, tz=TZ)
    records = list(read_records(path, GENERIC, tz=TZ, sheet="帖子"))
    first, second = items(records)
    assert first.title == "发热门诊" and first.body == "排队两小时"
    assert first.published_at == datetime(2026, 11, 16, 9, 30, tzinfo=TZ)
    assert (first.likes, first.views) == (3, 1200)
    assert first.platform_id == "4912345678901234"  # not "4.912345678901234e+15"
    assert first.position == "sheet 帖子 row 2"
    assert second.published_at == datetime(2026, 11, 16, 1, 30, tzinfo=UTC)
    assert second.position == "sheet 帖子 row 4"
    assert "extra" not in second.meta  # unmapped cells are dropped unless kept by name
    assert count_records(path, sheet="帖子") == 3


def test_xlsx_missing_sheet_and_broken_workbook(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    workbook.worksheets[0].append(["标题", "发布时间"])
    workbook.save(path)
    with pytest.raises(BadInput, match="no sheet named '帖子'"):
        read_records(path, GENERIC, tz=TZ, sheet="帖子")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(BadInput, match=r"not a readable \.xlsx"):
        read_records(broken, GENERIC, tz=TZ)


# ---------------------------------------------------------------- bad records


def test_bad_lines_are_rejected_with_positions_and_the_rest_read(tmp_path: Path) -> None:
    good = {"标题": "核酸", "正文": "排队", "发布时间": "2026-11-16 09:30"}
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            good,
            {**good, "发布时间": "2026-13-45"},
            {**good, "点赞数": -3, "转发数": "很多"},
            "{not json",
            "",
            "[1, 2]",
            {**good, "标题": "", "正文": "  "},
            {"标题": "无时间"},
            good,
        ],
    )
    records = list(read_records(path, GENERIC, tz=TZ))
    assert [r.position for r in items(records)] == ["line 1", "line 9"]
    reasons = {r.position: r.reason for r in rejects(records)}
    assert reasons["line 2"] == "发布时间 '2026-13-45' is not a date"
    assert "点赞数 '-3' is negative" in reasons["line 3"]
    assert "转发数 '很多' is not a number" in reasons["line 3"]
    assert reasons["line 4"].startswith("malformed JSON")
    assert reasons["line 6"] == "not a JSON object but list"
    assert "empty" in reasons["line 7"]
    assert reasons["line 8"] == "no 发布时间 (published_at) value"
    assert set(reasons) == {"line 2", "line 3", "line 4", "line 6", "line 7", "line 8"}
    assert rejects(records)[0].raw.startswith("{")
    assert rejects(records)[0].origin == str(path)


def test_truncated_last_line_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    line = json.dumps(WEIBO_API_LINE, ensure_ascii=False)
    path.write_text(line + "\n" + line[:40], encoding="utf-8")
    first, second = list(read_records(path, WEIBO, tz=TZ))
    assert isinstance(first, RawItem)
    assert isinstance(second, Rejected) and second.position == "line 2"
    assert "last line looks cut off" in second.reason


def test_csv_misaligned_and_undecodable_rows_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(
        "标题,正文,发布时间\n".encode()
        + "一,正文一,2026-11-16 09:30\n".encode()
        + "二,正文,多了一列,2026-11-16 09:30\n".encode()
        + b"\xe4\xb8,\xff\xfe,2026-11-16 09:30\n"
        + "四,正文四,2026-11-16 09:30\n".encode()
    )
    records = list(read_records(path, GENERIC, tz=TZ))
    assert [r.position for r in items(records)] == ["row 2", "row 5"]
    reasons = {r.position: r.reason for r in rejects(records)}
    assert reasons["row 3"] == "row has 4 cells but the header 3"
    assert reasons["row 4"] == "row contains bytes that are not valid text"


def test_missing_required_column_raises_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "no-date.csv"
    path.write_text("微博id,微博正文\n1,核酸\n", encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        read_records(path, WEIBO, tz=TZ)  # raised on the call, not on iteration
    assert str(path) in caught.value.message
    assert "发布时间" in caught.value.message and "微博正文" in caught.value.message


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="unsupported file type"):
        (tmp_path / "a.txt").write_text("x")
        read_records(tmp_path / "a.txt", GENERIC, tz=TZ)
    with pytest.raises(BadInput, match="no such file"):
        read_records(tmp_path / "gone.csv", GENERIC, tz=TZ)


def test_empty_files_yield_nothing(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "e.csv").write_bytes(b"")
    assert list(read_records(tmp_path / "e.jsonl", GENERIC, tz=TZ)) == []
    assert list(read_records(tmp_path / "e.csv", GENERIC, tz=TZ)) == []


def test_count_records(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [WEIBO_API_LINE] * 3)
    assert count_records(path) == 3
    (tmp_path / "n.csv").write_text("a,b\n1,2\n3,4", encoding="utf-8")
    assert count_records(tmp_path / "n.csv") == 2
    assert count_records(tmp_path / "n.json") is None


# ---------------------------------------------------------------- dry run


def test_dry_run_shows_mapping_values_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "weibo.csv"
    path.write_text(
        "微博id,用户昵称,微博正文,发布时间,点赞数,话题\n"
        "11,猫,排队,2026-11-16 09:30,1.5万,#核酸#\n"
        "12,狗,排队,昨天,x,\n"
        "13,鱼,排队,2026-11-16 10:00,0,\n",
        encoding="utf-8",
    )
    result = dry_run(path, WEIBO, tz=TZ, rows=2)
    assert isinstance(result, DryRun)
    assert result.columns_found == ["微博id", "用户昵称", "微博正文", "发布时间", "点赞数", "话题"]
    assert result.mapping == {
        "platform_id": "微博id",
        "author": "用户昵称",
        "body": "微博正文",
        "published_at": "发布时间",
        "likes": "点赞数",
    }
    assert result.unmapped_columns == ["话题"] and result.missing_required == []
    first, second = result.rows
    assert first.problem is None
    assert first.mapped["likes"] == "15000"
    assert first.mapped["published_at"] == "2026-11-16T09:30:00+08:00"
    assert first.mapped["url"] == "https://m.weibo.cn/detail/11"
    assert second.position == "row 3"
    assert second.problem == "发布时间 '昨天' is not a date; 点赞数 'x' is not a number"
    assert second.mapped["published_at"] == "昨天"


def test_dry_run_reports_missing_columns_instead_of_raising(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"text": "核酸"}, "{broken"])
    result = dry_run(path, WEIBO, tz=TZ)
    assert result.missing_required == ["published_at"]
    assert [r.position for r in result.rows] == ["line 1", "line 2"]
    assert result.rows[0].problem == "no 发布时间 (published_at) value"
    assert result.rows[1].problem is not None and result.rows[1].mapped == {}


# ---------------------------------------------------------------- headers


def test_header_matching_is_forgiving() -> None:
    assert normalise_header("\ufeff 转发数（次） ") == normalise_header("转发数(次)")
    assert normalise_header("Ｃｏｎｔｅｎｔ") == "content"
    assert resolve_columns(GENERIC, ["CONTENT ", "Time"]) == {
        "body": "CONTENT ",
        "published_at": "Time",
    }
    # the first accepted name present wins, and a column feeds one field only
    assert resolve_columns(WECHAT, ["摘要", "正文"])["body"] == "正文"
    assert set(PRESETS) == {"weibo", "wechat", "generic"}


def test_wechat_article_ids() -> None:
    assert wechat_article_id("https://mp.weixin.qq.com/s/AbC-123") == "AbC-123"
    assert wechat_article_id("https://example.com/s/AbC") is None
    assert wechat_article_id("http://[::1") is None


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2万", 12000),
        ("3亿", 300_000_000),
        ("1,234", 1234),
        ("", 0),
        ("10万+", 100_000),
        ("1.2w", 12000),
        (" ５６ ", 56),
        (None, 0),
        (12000.0, 12000),
        ("-", 0),
    ],
)
def test_parse_count(text: object, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text", ["-1", "abc", "1.5", "1万万", True, float("nan"), [1], "9" * 30, 1e300]
)
def test_parse_count_rejects(text: object) -> None:
    with pytest.raises(BadInput):
        parse_count(text)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["{}", "{:,}", " {} ", "{}+"]))
def test_parse_count_of_a_formatted_integer_returns_it(number: int, form: str) -> None:
    assert parse_count(form.format(number)) == number
    if number % 10_000 == 0:
        assert parse_count(f"{number // 10_000}万") == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-16 09:30", datetime(2026, 11, 16, 9, 30, tzinfo=TZ)),
        ("2026-11-16 09:30:15", datetime(2026, 11, 16, 9, 30, 15, tzinfo=TZ)),
        ("2026/11/16 09:30", datetime(2026, 11, 16, 9, 30, tzinfo=TZ)),
        ("2026年11月16日 09:30", datetime(2026, 11, 16, 9, 30, tzinfo=TZ)),
        ("2026-11-16T09:30:00+08:00", datetime(2026, 11, 16, 1, 30, tzinfo=UTC)),
        ("2026-11-16T01:30:00Z", datetime(2026, 11, 16, 1, 30, tzinfo=UTC)),
        ("1763256600", datetime(2025, 11, 16, 1, 30, tzinfo=UTC)),
        ("1763256600000", datetime(2025, 11, 16, 1, 30, tzinfo=UTC)),
        (1763256600, datetime(2025, 11, 16, 1, 30, tzinfo=UTC)),
        (46342.5, datetime(2026, 11, 16, 12, 0, tzinfo=TZ)),  # an Excel serial cell
        (datetime(2026, 11, 16, 9, 30), datetime(2026, 11, 16, 9, 30, tzinfo=TZ)),
        ("Mon Nov 16 09:30:00 +0800 2026", datetime(2026, 11, 16, 9, 30, tzinfo=CST)),
    ],
)
def test_parse_date(text: object, expected: datetime) -> None:
    parsed = parse_date(text, TZ)
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["2026-13-45", "昨天", "", "1899-01-01", "2026-11-16 25:00"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(BadInput):
        parse_date(text, TZ)


@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_date_raises_nothing_but_bad_input(value: object) -> None:
    try:
        parsed = parse_date(value, TZ)
    except BadInput:
        return
    assert parsed.tzinfo is not None


# ---------------------------------------------------------------- JSONL robustness

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
FIELD_NAMES = st.sampled_from(["标题", "正文", "发布时间", "点赞数", "views", "user.x", "id"])


@given(st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")), max_size=8))
def test_jsonl_reader_never_raises_on_arbitrary_bytes(lines: list[bytes]) -> None:
    first = json.dumps({"发布时间": "2026-11-16 09:30", "正文": "x"}).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(b"\n".join([first, *lines]))
        records = list(read_records(path, GENERIC, tz=TZ))
    expected = ["line 1"] + [f"line {i}" for i, line in enumerate(lines, 2) if line.strip()]
    assert [r.position for r in records] == expected
    assert all(isinstance(r, RawItem | Rejected) for r in records)


@given(st.lists(st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=5), min_size=1, max_size=6))
def test_jsonl_reader_turns_every_object_into_an_item_or_a_rejection(
    objects: list[dict[str, object]],
) -> None:
    objects = [{"发布时间": "2026-11-16 09:30", "正文": "x"}, *objects]  # columns present
    with tempfile.TemporaryDirectory() as folder:
        path = write_jsonl(Path(folder) / "fuzz.jsonl", list(objects))
        records = list(read_records(path, GENERIC, tz=TZ))
    assert [r.position for r in records] == [f"line {i}" for i in range(1, len(objects) + 1)]
    for record in records:
        assert isinstance(record, RawItem | Rejected)
        if isinstance(record, Rejected):
            assert "unexpected error" not in record.reason
