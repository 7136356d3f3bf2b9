"""Logging in and out, cookies and cross-site protection."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import PASSWORD, login
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, User, WebSession


def test_login_sets_a_secure_http_only_cookie(client: TestClient, web_db: Database) -> None:
    response = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "next": "/items?q=疫"}
    )
    assert response.status_code == 303
    assert unquote(response.headers["location"]) == "/items?q=疫"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    with web_db.reading() as session:
        stored = session.scalars(select(WebSession.token_hash)).all()
        assert len(stored) == 1
        # only the hash is stored, never the token the browser holds
        assert client.cookies["yuqing_session"] not in stored[0]
        user = session.scalar(select(User).where(User.username == "analyst"))
        assert user is not None and user.password_hash.startswith("$argon2")


def test_wrong_password_is_refused_and_audited(client: TestClient, web_db: Database) -> None:
    response = client.post("/login", data={"username": "analyst", "password": "nope-nope"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    with web_db.reading() as session:
        assert session.scalar(select(AuditEntry.action)) == "login_failed"


def test_login_never_redirects_off_site(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client, "analyst")
    assert client.get("/api/me").status_code == 200
    client.post("/logout")
    assert client.get("/api/me").status_code == 401


def test_cross_site_posts_are_refused(client: TestClient) -> None:
    login(client, "analyst")
    response = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 200
    same = client.post("/logout", headers={"Origin": "https://testserver"})
    assert same.status_code == 303


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
