"""`yuqing desk mail-replies PATH`: e-mailed case replies filed from files, once each."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from yuqing.cli.main import app
from yuqing.config import get_settings
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.models import Attachment, Case, CaseReply, QuarantineEntry, Role
from yuqing.store.types import utcnow


def write_mail(folder: Path, name: str, sender: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "desk@gov.example", subject
    message["Message-ID"] = f"<{name}@gov.example>"
    message.set_content(body)
    message.add_attachment(
        b"%PDF reply", maintype="application", subtype="pdf", filename="答复.pdf"
    )
    (folder / f"{name}.eml").write_bytes(bytes(message))


@pytest.fixture
def case_id(db: Database) -> int:
    with db.transaction() as session:
        city = add_unit(session, "测试市", "city")
        health = add_unit(session, "市卫生健康委员会", "department", parent=city)
        add_user(
            session,
            "responder_health",
            "correct horse battery",
            unit=health,
            email="health@gov.example",
            grants=[Grant(Role.RESPONDER, health.id)],
        )
        case = Case(title="口罩涨价", department_id=health.id, deadline=utcnow())
        session.add(case)
        session.flush()
        return case.id


def test_mail_replies_command_files_each_reply_once_and_quarantines_the_rest(
    db: Database, case_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no yuqing.toml of the checkout
    get_settings.cache_clear()  # the settings of this test's environment, not an earlier one's
    folder = tmp_path / "replies"
    folder.mkdir()
    write_mail(folder, "a", "health@gov.example", f"Re: [督办#{case_id}] 口罩涨价", "已约谈商户")
    write_mail(folder, "b", "someone@else.example", f"[督办#{case_id}]", "我来答")
    env = {
        "YUQING_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "YUQING_DATA_DIR": str(tmp_path / "data"),
        "YUQING_SECRET_KEY": "k" * 40,
    }
    runner = CliRunner()
    first = runner.invoke(app, ["desk", "mail-replies", str(folder)], env=env)
    assert first.exit_code == 0, first.output
    assert "filed 1, already filed 0, quarantined 1" in first.output
    again = runner.invoke(app, ["desk", "mail-replies", str(folder / "a.eml")], env=env)
    assert "filed 0, already filed 1, quarantined 0" in again.output
    get_settings.cache_clear()

    with db.reading() as session:
        (reply,) = session.scalars(select(CaseReply)).all()
        assert (reply.case_id, reply.via, reply.body) == (case_id, "email", "已约谈商户")
        stored = session.scalars(select(Attachment)).one()
        kept = tmp_path / "data" / "attachments" / stored.sha256[:2] / stored.sha256
        assert Path(stored.storage_path) == kept and kept.read_bytes() == b"%PDF reply"
        (held,) = session.scalars(select(QuarantineEntry)).all()
        assert "someone@else.example" in held.reason and "部门回复人" in held.reason
