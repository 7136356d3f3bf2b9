"""`yuqing report …` against a temporary SQLite database: draft, list, render in every
format, submit/approve/issue, send to a local SMTP server; a bad id is one line."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from tests.reports.seed import seed
from tests.reports.test_distribution import Inbox, free_port
from yuqing.cli import main as cli_main
from yuqing.cli.main import app
from yuqing.config import get_settings
from yuqing.errors import Conflict
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A fresh SQLite database holding the seeded desk, as the command sees it."""
    monkeypatch.chdir(tmp_path)  # no yuqing.toml of the checkout
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    upgrade(db)
    with db.transaction() as session:
        seed(session)
    db.dispose()
    values = {
        "YUQING_DATABASE_URL": url,
        "YUQING_DATA_DIR": str(tmp_path / "data"),
        "YUQING_SECRET_KEY": "k" * 40,
        "YUQING_CITY_NAME": "测试市",
        "COLUMNS": "200",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()  # this test's environment, not an earlier one's
    yield values
    get_settings.cache_clear()


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, ["report", *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result.output if code == 0 else str(result.exception)


def test_draft_list_render_sign_off_and_send(env: dict[str, str], tmp_path: Path) -> None:
    drafted = run("draft", "--date", "2026-11-17", "--user", "editor")
    assert drafted.startswith("report 1 drafted: 2026年11月17日舆情日报")
    assert "2026年11月16日9时至11月17日9时" in drafted
    listed = run("list", "--status", "draft")
    assert "舆情日报" in listed and "草稿" in listed
    for fmt, check in (
        ("docx", lambda data: docx.Document(io.BytesIO(data)).paragraphs[0].text == "舆情日报"),
        ("pdf", lambda data: data.startswith(b"%PDF")),
        ("html", lambda data: "共监测到相关公开信息" in data.decode("utf-8")),
        ("md", lambda data: data.decode("utf-8").startswith("**舆情日报**  （草稿）")),
    ):
        target = tmp_path / f"out.{fmt}"
        assert f"written to {target}" in run("render", "1", "-f", fmt, "-o", str(target))
        assert check(target.read_bytes()), fmt
    refused = run("submit", "1", "--user", "editor", code=1)
    assert "尚未填写“研判”、“对策建议”、“下一步工作”" in refused
    written = ("--judgement", "平稳。", "--suggestions", "加强引导。", "--next-steps", "持续监测。")
    assert "第2版已保存" in run("edit", "1", "--user", "editor", *written)
    assert run("submit", "1", "--user", "editor").strip() == "report 1: 待审核"
    assert run("approve", "1", "--user", "signer").strip() == "report 1: 已审核"
    assert run("issue", "1", "--user", "signer").strip() == "report 1: 已签发 第1期"
    assert "第1期" in run("list", "--series", "daily")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        get_settings.cache_clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("YUQING_SMTP_HOST", "127.0.0.1")
            patch.setenv("YUQING_SMTP_PORT", str(port))
            sent = run("send", "1", "--to", "head@example.org", "--user", "signer")
            get_settings.cache_clear()
    finally:
        controller.stop()
    assert sent.strip() == "report 1 sent to head@example.org"
    ((recipients, _),) = inbox.messages
    assert recipients == ["head@example.org"]


def test_a_bulletin_over_chosen_days(env: dict[str, str]) -> None:
    out = run("draft", "--series", "bulletin", "--start", "2026-11-15", "--end", "2026-11-16")
    assert "关于2026年11月15日至11月16日舆情信息报送工作的情况通报" in out


def test_steps_refused_by_role_or_state_say_why(env: dict[str, str]) -> None:
    run("draft", "--date", "2026-11-17")
    refused = CliRunner().invoke(app, ["report", "issue", "1", "--user", "signer"])
    assert refused.exit_code == 1 and isinstance(refused.exception, Conflict)
    assert "报告 1 当前为“草稿”，不能签发" in str(refused.exception)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "999", "-f", "md"], "报告 999 不存在"),
        (["submit", "999", "--user", "editor"], "报告 999 不存在"),
        (["draft", "--date", "17/11/2026"], "--date 应为 YYYY-MM-DD 格式的日期：17/11/2026"),
        (["draft", "--series", "monthly"], "报告系列 monthly 不存在"),
        (["render", "1", "-f", "exe"], "不支持的格式 'exe'"),
    ],
)
def test_bad_input_is_one_line(
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    run("draft", "--date", "2026-11-17")
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["yuqing", "report", *args])
    with pytest.raises(SystemExit) as stopped:
        cli_main.main()
    assert stopped.value.code == 1
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("错误 ") and message in line, line
    assert "Traceback" not in captured.err
