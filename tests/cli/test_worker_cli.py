"""`yuqing worker` as an operator starts it: a plain consumer or the one scheduler,
its Prometheus metrics on a local port, its log lines in the configured format."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
    env.update(YUQING_DATA_DIR=str(tmp_path / "data"), NO_COLOR="1", **extra)
    return env


def run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from yuqing.cli.main import main; main()", *args],
        cwd=tmp_path,
        env=env_for(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_scheduler_worker_serves_metrics_and_logs_json(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    port = free_port()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from yuqing.cli.main import main; main()",
            "worker",
            "--scheduler",
            "--metrics-port",
            str(port),
        ],
        cwd=tmp_path,
        env=env_for(tmp_path, YUQING_LOG_FORMAT="json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, body = time.monotonic() + 60, ""
        while time.monotonic() < deadline and "yuqing_items_stored" not in body:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                time.sleep(0.3)
        assert "yuqing_items_stored 0.0" in body
        assert "yuqing_analysis_lag_seconds 0.0" in body
    finally:
        worker.terminate()
        out, err = worker.communicate(timeout=30)
    assert "and the schedule" in out
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert lines, err  # huey's start-up lines, as JSON objects
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
