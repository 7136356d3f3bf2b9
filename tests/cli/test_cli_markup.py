"""The CLI prints user data as it is (issue 15, finding 7): texts holding
rich-markup-like brackets ("[/|\\]", "[bold]") neither crash `yuqing search` nor
the error handler, and the import dry run says what it skipped (finding 9)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import yuqing

HOSTILE = "口罩 [/|\\] 价格 [bold]上涨[/bold] [/] [link=x]"


def test_search_prints_markup_like_text_literally(tmp_path: Path) -> None:
    assert yuqing(tmp_path, "init").returncode == 0
    export = tmp_path / "export.csv"
    export.write_text(f"标题,正文,发布时间\n{HOSTILE},正文 [/] 内容,2026-11-16 09:30\n", "utf-8")
    imported = yuqing(tmp_path, "import", str(export))
    assert imported.returncode == 0, imported.stderr
    result = yuqing(tmp_path, "search", "口罩")
    assert result.returncode == 0, result.stderr
    assert HOSTILE in result.stdout
    assert "1 items match" in result.stdout


def test_error_handler_prints_markup_like_messages_literally(tmp_path: Path) -> None:
    assert yuqing(tmp_path, "init").returncode == 0
    export = tmp_path / "[bold]x[red].csv"
    export.write_text("[/|\\],[red]正文[/red]\n1,2\n", "utf-8")  # no usable column: BadInput
    result = yuqing(tmp_path, "import", str(export))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("错误 ") and "[bold]x[red].csv" in line
    assert "the file has: [/|\\], [red]正文[/red]" in line
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr


def test_dry_run_reports_title_row_blank_rows_and_encoding(tmp_path: Path) -> None:
    export = tmp_path / "legacy.csv"
    rows = ["青岚市舆情导出 [2026年11月]", "标题,正文,发布时间", "", "口罩,药店口罩充足,今天 08:00"]
    export.write_bytes("\r".join(rows).encode("gb18030"))
    result = yuqing(tmp_path, "import", str(export), "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "encoding: gb18030" in out
    assert "title above the header" in out and "青岚市舆情导出 [2026年11月]" in out
    assert "1 blank row(s) skipped: row 3" in out
    assert "药店口罩充足" in out
