"""docs/deploy.md names real things: every `yuqing` command line in its systemd
units parses with this version's CLI, every YUQING_ variable in its environment
file is a setting that loads, every endpoint it tells monitors to use is served."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from yuqing.cli.main import app
from yuqing.config import Settings, load_settings
from yuqing.web.app import api_routes

DOC = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def yuqing_command_lines() -> list[list[str]]:
    lines = []
    for block in blocks("ini"):
        for line in block.splitlines():
            if line.startswith("ExecStart="):
                words = shlex.split(line.removeprefix("ExecStart="))
                if words[0] == "/bin/sh":  # sh -c '… yuqing …'
                    script = re.sub(r"\$\(date [^)]*\)", "20261202", words[-1])
                    words = shlex.split(script.removeprefix("exec "))
                start = next((i for i, w in enumerate(words) if w.endswith("/yuqing")), None)
                if start is not None:
                    lines.append(words[start + 1 :])
    return lines


def test_the_units_are_there() -> None:
    commands = [" ".join(words[:2]) for words in yuqing_command_lines()]
    assert "serve --no-schedule" in commands
    assert commands.count("worker --scheduler") == 1  # one scheduler
    assert "worker" in commands and any(c.startswith("backup") for c in commands)


@pytest.mark.parametrize("words", yuqing_command_lines(), ids=" ".join)
def test_unit_command_lines_parse(words: list[str]) -> None:
    group: Any = typer.main.get_command(app)
    command = group.get_command(None, words[0])
    assert command is not None, f"no command yuqing {words[0]}"
    # Parses the options and arguments as the CLI would (a bad one raises).
    command.make_context(words[0], [w.replace("%%", "%") for w in words[1:]])


def environment() -> dict[str, str]:
    found: dict[str, str] = {}
    for block in blocks("ini"):
        for line in block.splitlines():
            if line.startswith("YUQING_"):
                name, _, value = line.partition("=")
                found[name] = value
    return found


def test_environment_file_names_real_settings_that_load(monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment()
    assert len(env) >= 10
    for name in env:
        assert name.removeprefix("YUQING_").lower() in Settings.model_fields, name
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("YUQING_CONFIG", "/nonexistent/yuqing.toml")
    settings = load_settings()
    assert settings.trusted_origins == ["https://yuqing.example.gov.cn"]
    assert settings.db_statement_timeout_ms == 60000 and settings.log_format == "json"


def test_settings_named_in_prose_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", text))
    postgres_own = {"max_connections", "statement_timeout", "published_at"}
    settings_like = {
        n for n in named if not n.startswith(("yuqing_", "item_", "analysis_p"))
    } - postgres_own
    unknown = settings_like - set(Settings.model_fields)
    assert not unknown, f"docs/deploy.md names settings that do not exist: {sorted(unknown)}"


def test_monitoring_endpoints_are_served() -> None:
    paths = {route.path for route in api_routes()}
    for path in ("/api/health", "/api/ready", "/metrics"):
        assert path in paths
        assert path in DOC.read_text(encoding="utf-8")
