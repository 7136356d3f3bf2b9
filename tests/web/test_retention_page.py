"""Admins see the retention policy, what a purge would remove and past purges, and
may purge now; nobody else may."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import login
from yuqing.jobs.retention import PURGE_ACTION
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, QuarantineEntry, User
from yuqing.store.types import utcnow


def test_admins_see_the_policy_and_purge_now(client: TestClient, web_db: Database) -> None:
    with web_db.transaction() as session:
        old = QuarantineEntry(origin="x", reason="旧", created_at=utcnow() - timedelta(days=91))
        session.add(old)
    login(client, "admin")
    page = client.get("/admin/retention")
    assert page.status_code == 200
    for label in ("公开信息", "报送信息", "附件", "隔离区记录", "审计日志", "365 天", "尚未清除过"):
        assert label in page.text
    assert '<tr data-kind="quarantine">' in page.text and '<td class="num">1</td>' in page.text
    assert client.post("/admin/retention/purge").status_code == 303
    with web_db.reading() as session:
        assert session.scalars(select(QuarantineEntry)).all() == []
        run = session.scalar(select(AuditEntry).where(AuditEntry.action == PURGE_ACTION))
        admin = session.scalar(select(User.id).where(User.username == "admin"))
        assert run is not None and run.user_id == admin
        assert run.detail["quarantine"]["purged"] == 1
    assert "尚未清除过" not in client.get("/admin/retention").text


def test_only_admins_may(client: TestClient) -> None:
    login(client, "analyst")
    assert client.get("/admin/retention").status_code == 403
    assert client.post("/admin/retention/purge").status_code == 403
