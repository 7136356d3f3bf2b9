"""Text typed at the desk is redacted, visibly (issue 15, finding 17): case titles
and descriptions, replies, outcomes, triage notes, tags and every audit detail,
whoever writes the audit entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from tests.desk.conftest import World
from yuqing.desk import cases, triage
from yuqing.store.models import AuditEntry, Case, CaseReply, Item, TriageNote
from yuqing.store.types import utcnow

PHONE = "13800138000"
ID_NUMBER = "110101199003071235"  # wrong check digit, after the cue


def test_case_texts_are_stored_redacted(world: World, tmp_path: Path) -> None:
    with world.db.transaction() as session:
        case = cases.open_case(
            session,
            world.analyst,
            title=f"张女士（{PHONE}）反映药店涨价",
            description=f"身份证号{ID_NUMBER}，家住解放路12号3单元502室",
            department_id=world.health,
            deadline=utcnow() + timedelta(hours=48),
        )
        case_id = case.id
    with world.db.transaction() as session:
        viewer = cases.viewer_for(session, world.responder_health)
        cases.reply(session, viewer, case_id, f"已电话联系 {PHONE}，QQ 123456789", folder=tmp_path)
    with world.db.transaction() as session:
        cases.close_case(session, world.analyst, case_id, f"回访微信：zhang_san88，{PHONE}")
    with world.db.reading() as session:
        stored = session.get(Case, case_id)
        assert stored is not None
        assert stored.title == "张女士（[手机号已隐去]）反映药店涨价"
        assert stored.description == "身份证号[身份证号已隐去]，家住[住址已隐去]"
        answer = session.scalars(select(CaseReply).where(CaseReply.case_id == case_id)).one()
        assert answer.body == "已电话联系 [手机号已隐去]，QQ [QQ号已隐去]"
        assert stored.outcome == "回访微信：[微信号已隐去]，[手机号已隐去]"
        details = [e.detail for e in session.scalars(select(AuditEntry))]
    assert PHONE not in repr(details) and "zhang_san88" not in repr(details)


def test_notes_tags_and_audit_details_are_redacted(world: World) -> None:
    item = world.items[0]
    with world.db.transaction() as session:
        triage.add_note(session, item, f"发帖人电话{PHONE}，已转社区", world.analyst)
        triage.tag(session, [item], f"回访{PHONE}", world.analyst)
        # an entry written directly, as network and report modules do
        session.add(
            AuditEntry(action="x.test", object_type="item", detail={"why": [f"call {PHONE}"]})
        )
    with world.db.reading() as session:
        note = session.scalars(select(TriageNote).where(TriageNote.item_id == item)).one()
        assert note.body == "发帖人电话[手机号已隐去]，已转社区"
        stored = session.get(Item, item)
        assert stored is not None and stored.tags == ["回访[手机号已隐去]"]
        details = [e.detail for e in session.scalars(select(AuditEntry))]
    assert {"tag": "回访[手机号已隐去]"} in details
    assert {"why": ["call [手机号已隐去]"]} in details
    assert PHONE not in repr(details)


def test_replies_filed_from_mail_are_redacted(world: World, tmp_path: Path) -> None:
    from email.message import EmailMessage

    from yuqing.collect.mail import MailReport, parse_message
    from yuqing.desk.mail_replies import file_mail_replies

    with world.db.transaction() as session:
        case_id = cases.open_case(
            session,
            world.analyst,
            title="口罩涨价",
            department_id=world.health,
            deadline=utcnow() + timedelta(days=1),
        ).id
    message = EmailMessage()
    message["From"], message["To"] = "responder_health@gov.example", "desk@gov.example"
    message["Subject"], message["Message-ID"] = f"[督办#{case_id}] 回复", "<m1@gov.example>"
    message.set_content(f"已约谈商户，店主电话 {PHONE}")
    parsed = parse_message(message.as_bytes(), origin="test", position="m1")
    assert isinstance(parsed, MailReport)
    assert file_mail_replies(world.db, [parsed], tmp_path).filed == 1
    with world.db.reading() as session:
        body = session.scalars(select(CaseReply.body)).one()
    assert body == "已约谈商户，店主电话 [手机号已隐去]"
