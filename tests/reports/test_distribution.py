"""Issuing can e-mail the document: a real local SMTP server receives DOCX and PDF."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.reports.seed import DAY, EDITOR_TEXT, END, TZ, seed
from yuqing.config import load_settings
from yuqing.errors import BadInput, Conflict, SourceUnreachable
from yuqing.reports import workflow as wf
from yuqing.reports.distribution import send_report
from yuqing.reports.render import load_document
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry

NOW = END + timedelta(hours=1)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def report(db: Database, *, issue: bool) -> int:
    with db.transaction() as session:
        seed(session)
        ensure_default_series(session, "测试市舆情专班")
        series = get_series(session, "daily")
        row = wf.create_draft(session, series, daily_window(DAY, TZ), wf.SYSTEM, NOW)
        wf.edit_sections(session, row.id, wf.SYSTEM, EDITOR_TEXT)
        if issue:
            wf.submit(session, row.id, wf.SYSTEM)
            wf.approve(session, row.id, wf.SYSTEM)
            wf.issue(session, row.id, wf.SYSTEM, NOW)
        return row.id


def test_an_issued_report_is_mailed_with_docx_and_pdf(
    sqlite_db: Database, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    settings = load_settings(
        data_dir=tmp_path,
        secret_key="t" * 32,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="desk@example.org",
        report_recipients=["head@example.org", "office@example.org"],
    )
    report_id = report(sqlite_db, issue=True)
    with sqlite_db.reading() as session:
        doc = load_document(session, report_id, TZ, "测试市舆情专班")
    sent = send_report(sqlite_db, settings, doc, user_id=None)
    assert sent.recipients == ["head@example.org", "office@example.org"]
    ((recipients, message),) = inbox.messages
    assert recipients == ["head@example.org", "office@example.org"]
    assert "第1期" in str(make_header(decode_header(message["Subject"])))
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert [Path(n or "").suffix for n in names] == [".docx", ".pdf"]
    pdf = next(p for p in message.walk() if (p.get_filename() or "").endswith(".pdf"))
    assert bytes(pdf.get_payload(decode=True) or b"").startswith(b"%PDF")
    with sqlite_db.reading() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "report_distributed")
        ).one()
        assert audit.detail["outcome"] == "sent"


def test_only_issued_reports_go_out_and_failures_are_clear(
    sqlite_db: Database, tmp_path: Path
) -> None:
    report_id = report(sqlite_db, issue=False)
    settings = load_settings(
        data_dir=tmp_path,
        secret_key="t" * 32,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nobody listens there
        report_recipients=["head@example.org"],
    )
    with sqlite_db.reading() as session:
        draft = load_document(session, report_id, TZ, "单位")
    with pytest.raises(Conflict):
        send_report(sqlite_db, settings, draft)
    with sqlite_db.transaction() as session:
        wf.submit(session, report_id, wf.SYSTEM)
        wf.approve(session, report_id, wf.SYSTEM)
        wf.issue(session, report_id, wf.SYSTEM, NOW)
    with sqlite_db.reading() as session:
        issued = load_document(session, report_id, TZ, "单位")
    with pytest.raises(BadInput, match="分发名单"):
        send_report(sqlite_db, settings.model_copy(update={"report_recipients": []}), issued)
    with pytest.raises(SourceUnreachable, match=f"报告 {report_id} 分发失败"):
        send_report(sqlite_db, settings, issued)
