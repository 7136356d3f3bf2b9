"""A private Redis for the queue tests (Debian's redis-server, installed by
scripts/setup), on a TCP port and on a Unix socket — the socket reaches a worker
that runs in a network namespace of its own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class PrivateRedis:
    url: str  # redis://127.0.0.1:PORT/0
    socket_url: str  # unix:///…/redis.sock?db=0


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: scripts/setup installs it"
    port = free_port()
    sock = Path(tmp_path_factory.mktemp("redis")) / "redis.sock"
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "777",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield PrivateRedis(f"redis://127.0.0.1:{port}/0", f"unix://{sock}?db=0")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_url(private_redis: PrivateRedis) -> str:
    return private_redis.url
