"""Accounts and the audit log in the web (issue 14): any role scoped to a unit, role
and unit changes, a password reset shown once, deactivation, last login; the audit
log filtered by who, what, when and object, and exported."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Unit, User


def _unit(db: Database, name: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return found


def _user(db: Database, username: str) -> User:
    with db.reading() as session:
        found = session.scalar(select(User).where(User.username == username))
        assert found is not None
        return found


def test_an_admin_creates_a_responder_for_a_department_and_it_logs_in(
    client: TestClient, web_db: Database
) -> None:
    health = _unit(web_db, "市卫生健康委员会")
    login(client, "admin")
    page = client.get("/admin/users").text
    assert "从未登录" not in page.split('data-username="admin"')[1].split("</tr>")[0]
    made = client.post(
        "/admin/users",
        data={
            "username": "resp_health2",
            "display_name": "卫健委 赵强",
            "role": "responder",
            "unit_id": str(health),
            "password": "a long password",
        },
    )
    assert made.status_code == 303
    listed = client.get("/admin/users?role=responder").text
    assert "卫健委 赵强" in listed and "从未登录" in listed
    unscoped = client.post(
        "/admin/users",
        data={"username": "resp_x", "role": "responder", "password": "a long password"},
    )
    assert unscoped.status_code == 400 and "必须属于一个单位" in unscoped.text
    taken = client.post(
        "/admin/users", data={"username": "analyst", "role": "editor", "password": "x" * 10}
    )
    assert taken.status_code == 409 and "已被使用" in taken.text
    client.post("/logout")
    login(client, "resp_health2", "a long password")
    assert client.get("/").headers["location"] == "/my/cases"


def test_role_change_password_reset_and_deactivation(client: TestClient, web_db: Database) -> None:
    editor = _user(web_db, "editor")
    town = _unit(web_db, "昆都仑区")
    login(client, "admin")
    client.post(f"/admin/users/{editor.id}/role", data={"role": "officer", "unit_id": str(town)})
    changed = _user(web_db, "editor")
    assert [(r.role, r.unit_id) for r in changed.roles] == [("officer", town)]
    reset = client.post(f"/admin/users/{editor.id}/password")
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    found = re.search(r'id="new-password">.*?<code>([^<]+)</code>', reset.text)
    assert found is not None
    client.post(f"/admin/users/{editor.id}/active", data={"active": "false"})
    client.post("/logout")
    refused = client.post("/login", data={"username": "editor", "password": found.group(1)})
    assert refused.status_code == 401  # deactivated
    login(client, "admin")
    client.post(f"/admin/users/{editor.id}/active", data={"active": "true"})
    client.post("/logout")
    login(client, "editor", found.group(1))
    assert client.get("/").headers["location"] == "/my/unit"
    client.post("/logout")
    login(client, "admin")
    admin = _user(web_db, "admin")
    own = client.post(f"/admin/users/{admin.id}/active", data={"active": "false"})
    assert own.status_code == 400


def test_the_audit_log_filters_and_exports(client: TestClient, web_db: Database) -> None:
    login(client, "analyst")
    client.post("/triage/views", data={"name": "我的视图", "query": "status=new"})
    client.post("/logout")
    login(client, "admin")
    everything = client.get("/admin/audit").text
    assert (
        'data-action="login">登录<' in everything
        and 'data-action="view.save">保存视图<' in everything
    )
    only = client.get("/admin/audit?who=analyst&action=view.").text
    assert "保存视图" in only and 'data-action="login">登录<' not in only
    assert 'id="total">1<' in only
    day = client.get("/admin/audit?since=2000-01-01&until=2000-01-02").text
    assert 'id="total">0<' in day
    exported = client.get("/admin/audit.csv?who=analyst&action=view.")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["时间", "操作人", "操作"] and len(rows) == 2
    assert rows[1][2] == "保存视图"
    with web_db.reading() as session:
        assert "audit.export" in session.scalars(select(AuditEntry.action)).all()
    client.post("/logout")
    login(client, "analyst")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/users").status_code == 403
