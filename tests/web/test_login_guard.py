"""Logins held back after failures (per account and per address, with backoff and
audited), unknown users checked against a hash of the same cost, logins ended by a
password change or deactivation, and weak passwords refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, login
from yuqing.errors import BadInput
from yuqing.network.passwords import password_problem
from yuqing.network.people import (
    add_user,
    check_password,
    dummy_hash_parameters,
    set_password,
    set_user_active,
)
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, User, WebSession
from yuqing.store.types import utcnow
from yuqing.web.throttle import ACCOUNT, ADDRESS, MAX_DELAY, backoff, record, wait_seconds


def attempt(client: TestClient, username: str, password: str) -> int:
    return client.post("/login", data={"username": username, "password": password}).status_code


def failures(db: Database, username: str, count: int, *, address: str = "testclient") -> None:
    with db.transaction() as session:
        for _ in range(count):
            record(session, "login_failed", username, address)


def audited(db: Database, action: str) -> int:
    with db.reading() as session:
        query = select(func.count()).where(AuditEntry.action == action)
        return session.scalar(query) or 0


def age_audit(db: Database, by: timedelta) -> None:
    with db.transaction() as session:
        for entry in session.scalars(select(AuditEntry)):
            entry.at -= by


def test_wrong_passwords_are_counted_and_audited_by_account_and_address(
    client: TestClient, web_db: Database
) -> None:
    for _ in range(ACCOUNT.free):
        assert attempt(client, "analyst", "wrong-password-1") == 401
    with web_db.reading() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed"))
        keys = {(r.object_type, r.object_id, r.remote_addr) for r in rows}
    assert keys == {("login", "analyst", "testclient")}


def test_an_account_is_held_back_even_for_the_right_password(
    client: TestClient, web_db: Database
) -> None:
    failures(web_db, "analyst", 40, address="192.0.2.7")  # guessed from elsewhere
    refused = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert refused.status_code == 429 and "秒后再试" in refused.text
    assert int(refused.headers["retry-after"]) == MAX_DELAY
    assert audited(web_db, "login_throttled") == 1
    assert attempt(client, "editor", PASSWORD) == 303  # other accounts are not held
    age_audit(web_db, timedelta(hours=2))  # the failures leave the window
    assert attempt(client, "analyst", PASSWORD) == 303


def test_one_address_guessing_at_many_accounts_is_held_back(
    client: TestClient, web_db: Database
) -> None:
    for n in range(ADDRESS.free + 3):
        failures(web_db, f"guess{n}", 1)
    assert attempt(client, "signer", PASSWORD) == 429
    with web_db.reading() as session:
        assert wait_seconds(session, "signer", "203.0.113.9", utcnow()) == 0


def test_the_wait_doubles_and_a_success_restarts_the_account_count(web_db: Database) -> None:
    assert [backoff(n, 5) for n in (4, 5, 6, 7)] == [0.0, 1.0, 2.0, 4.0]
    assert backoff(60, 5) == MAX_DELAY
    failures(web_db, "analyst", ACCOUNT.free + 4, address="198.51.100.1")
    now = utcnow()
    with web_db.reading() as session:
        assert 15 <= wait_seconds(session, "analyst", "198.51.100.2", now) <= 16
        assert wait_seconds(session, "analyst", "198.51.100.2", now + timedelta(seconds=17)) == 0
    with web_db.transaction() as session:
        record(session, "login", "analyst", "198.51.100.2")
    with web_db.reading() as session:
        assert wait_seconds(session, "analyst", "198.51.100.2", utcnow()) == 0


def test_unknown_usernames_cost_one_hash_of_the_same_parameters(web_db: Database) -> None:
    with web_db.reading() as session:
        user = session.scalar(select(User).where(User.username == "analyst"))
        assert user is not None
        assert dummy_hash_parameters() == extract_parameters(user.password_hash)
        assert check_password(user, PASSWORD)
    assert not check_password(None, PASSWORD)


def test_a_password_change_and_a_deactivation_end_every_login(
    client: TestClient, web_db: Database
) -> None:
    login(client, "analyst")
    assert client.get("/api/me").status_code == 200
    with web_db.transaction() as session:
        assert set_password(session, "analyst", "a new long phrase 7") == 1
    assert client.get("/api/me").status_code == 401
    login(client, "analyst", "a new long phrase 7")
    with web_db.transaction() as session:
        assert set_user_active(session, "analyst", False) == 1
    assert client.get("/api/me").status_code == 401
    assert attempt(client, "analyst", "a new long phrase 7") == 401
    with web_db.reading() as session:
        user_id = session.scalar(select(User.id).where(User.username == "analyst"))
        assert session.scalar(select(func.count()).where(WebSession.user_id == user_id)) == 0
    assert audited(web_db, "password_changed") == 1 and audited(web_db, "user_deactivated") == 1


@pytest.mark.parametrize(
    "password",
    [
        "1234567",
        "12345678",
        "password",
        "Password123!",
        "woaini1314",
        "qwertyuiop",
        "abcdefgh",
        "87654321",
        "aaaabbbb",
        "zhangsan2026",
        "nasgnahz1",
        "Zhang San 99",
    ],
)
def test_common_and_user_derived_passwords_are_refused(web_db: Database, password: str) -> None:
    assert password_problem(password, username="zhangsan", names=["Zhang San"]) is not None
    with web_db.transaction() as session, pytest.raises(BadInput, match="zhangsan"):
        add_user(session, "zhangsan", password, display_name="Zhang San")


@pytest.mark.parametrize("password", [PASSWORD, "demo-password", "Tq7!vR2#mp", "青岚舆情值班2026"])
def test_good_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, username="zhangsan", names=["张三"]) is None


def test_an_email_counts_by_its_local_part_only() -> None:
    assert password_problem("Mailbox-zs99", username="zs", names=["mailbox@qinglan.example"])
    assert (
        password_problem("qinglan example 7", username="zs", names=["zs@qinglan.example"]) is None
    )
