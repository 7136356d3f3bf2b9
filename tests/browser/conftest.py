"""A real server (uvicorn in a thread, free port, temporary SQLite) for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from tests.web.conftest import web_db
from yuqing.config import Settings, load_settings
from yuqing.store.db import Database
from yuqing.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
__all__ = ["web_db"]  # the same users and items as the web tests


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Plain http on 127.0.0.1: the cookie must not demand https here.
    return load_settings(
        data_dir=tmp_path, secret_key="t" * 32, city_name="测试市", cookie_secure=False
    )


@pytest.fixture
def live_server(settings: Settings, web_db: Database) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, web_db), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium_path() -> str:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup to install Debian's chromium")
    return str(CHROMIUM)


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
