"""kill -9 in the middle of an import, then import again: every item stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

LINES = 40_000


def yuqing(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
    env["YUQING_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.Popen(
        [sys.executable, "-c", "from yuqing.cli.main import main; main()", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stored(db_path: Path) -> tuple[int, int]:
    with sqlite3.connect(db_path) as conn:
        total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        distinct = conn.execute("SELECT count(DISTINCT platform_id) FROM items").fetchone()[0]
    return int(total), int(distinct)


def test_kill_9_mid_import_then_restart(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    with export.open("w", encoding="utf-8") as out:
        for i in range(LINES):
            row = {
                "微博id": f"id{i}",
                "微博正文": f"第{i}条：社区核酸检测排队情况",
                "发布时间": "2026-11-16 10:00",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    init = yuqing(tmp_path, "init")
    assert init.wait(timeout=60) == 0
    assert init.stderr is not None
    init.stderr.close()
    db_path = tmp_path / "data" / "yuqing.db"

    first = yuqing(tmp_path, "import", str(export), "--preset", "weibo")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
        try:
            if stored(db_path)[0] > 0:
                break
        except sqlite3.OperationalError:
            continue  # the writer holds the lock this instant
    assert first.poll() is None, "the import ended before it could be killed: make it longer"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.stderr is not None
    first.stderr.close()
    partial, _ = stored(db_path)
    assert 0 < partial < LINES

    second = yuqing(tmp_path, "import", str(export), "--preset", "weibo")
    _, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()
    assert stored(db_path) == (LINES, LINES)
    with sqlite3.connect(db_path) as conn:
        indexed = conn.execute(
            "SELECT count(*) FROM item_search WHERE item_search MATCH '\"核酸 酸检 检测\"'"
        ).fetchone()[0]
    assert indexed == LINES  # the search index matches the rows, none lost or doubled
