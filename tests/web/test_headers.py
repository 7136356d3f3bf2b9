"""HSTS when the cookie is Secure; nothing a login shows is kept in a cache."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

import yuqing.web
from tests.web.conftest import login
from yuqing.config import load_settings
from yuqing.store.db import Database
from yuqing.web.app import create_app


def test_logged_in_pages_and_api_answers_are_not_stored(client: TestClient) -> None:
    login(client, "analyst")
    for url in ("/", "/items", "/items/1", "/api/me", "/api/items", "/api/items/999"):
        response = client.get(url)
        assert response.headers["cache-control"] == "no-store", url
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    static = client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_no_hsts_when_the_cookie_is_not_secure(web_db: Database, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="t" * 32, cookie_secure=False)
    with TestClient(create_app(settings, web_db), follow_redirects=False) as plain:
        response = plain.get("/login")
    assert "strict-transport-security" not in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_no_template_writes_what_the_content_security_policy_refuses() -> None:
    """style-src and script-src are 'self': an inline style attribute or event handler
    is blocked in the browser and noted as a console error (issue 14: /settings/models)."""
    templates = Path(yuqing.web.__file__).parent / "templates"
    inline = re.compile(r"""\sstyle\s*=|\son[a-z]+\s*=\s*["']""")
    found = [
        f"{path.relative_to(templates)}: {match.group(0).strip()}"
        for path in sorted(templates.rglob("*.html"))
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
