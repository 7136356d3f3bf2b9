"""The `yuqing` command as a person uses it: init, demo, search, backup, restore, user;
errors are one readable line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def yuqing(
    tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
    env.update(YUQING_DATA_DIR=str(tmp_path / "data"), COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-c", "from yuqing.cli.main import main; main()", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = yuqing(tmp_path, "search", "口罩")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "错误 the database is empty; run `yuqing init` to create or upgrade it"
    ]
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "yuqing.toml").write_text("timezone = 'Nowhere/Else'\n", encoding="utf-8")
    result = yuqing(tmp_path, "init")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "time zone" in lines[0]


def test_init_demo_search_backup_restore(tmp_path: Path) -> None:
    assert "created" in yuqing(tmp_path, "init").stdout
    assert "already at schema" in yuqing(tmp_path, "init").stdout

    demo_dir = tmp_path / "demo"
    result = yuqing(
        tmp_path,
        "demo",
        "--items",
        "300",
        "--no-serve",
        "--data-dir",
        str(demo_dir),
        "--password",
        "demo-password",
    )
    assert result.returncode == 0, result.stderr
    assert "collected 300 items" in result.stdout.replace("\n", " ")
    assert "analyst" in result.stdout and "demo-password" in result.stdout

    env_db = f"sqlite:///{demo_dir / 'yuqing.db'}"
    searched = _with_db(tmp_path, env_db, "search", "昆都侖")
    assert searched.returncode == 0, searched.stderr
    assert "items match" in searched.stdout

    backup = tmp_path / "demo.backup.gz"
    assert _with_db(tmp_path, env_db, "backup", str(backup)).returncode == 0
    restored_db = f"sqlite:///{tmp_path / 'restored.db'}"
    result = _with_db(tmp_path, restored_db, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    again = _with_db(tmp_path, restored_db, "search", "昆都侖")
    assert again.stdout.splitlines()[-1] == searched.stdout.splitlines()[-1]
    refused = _with_db(tmp_path, restored_db, "restore", str(backup))
    assert refused.returncode == 1 and "empty database" in refused.stderr


def _with_db(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "yuqing.toml").write_text(f'database_url = "{url}"\n', encoding="utf-8")
    try:
        return yuqing(tmp_path, *args)
    finally:
        (tmp_path / "yuqing.toml").unlink()


@pytest.mark.parametrize("password", ["long-enough-password"])
def test_user_create_with_prompted_password(tmp_path: Path, password: str) -> None:
    yuqing(tmp_path, "init")
    result = yuqing(
        tmp_path,
        "user",
        "create",
        "head",
        "--role",
        "admin",
        "--role",
        "signer",
        stdin=f"{password}\n{password}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "created user head" in result.stdout
    duplicate = yuqing(
        tmp_path, "user", "create", "head", "--role", "admin", stdin=f"{password}\n{password}\n"
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    short = yuqing(tmp_path, "user", "create", "x", "--role", "admin", stdin="short\nshort\n")
    assert short.returncode == 1 and "至少 8 个字符" in short.stderr
