"""Case replies by e-mail: the subject's case reference, the sender's address, idempotence."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.desk.conftest import World
from yuqing.collect.mail import MailReport, parse_message
from yuqing.desk import cases
from yuqing.desk.mail_replies import case_reference, file_mail_replies
from yuqing.store.models import Case, CaseReply, QuarantineEntry
from yuqing.store.types import utcnow


def mail(sender: str, subject: str, body: str, message_id: str) -> MailReport:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "desk@gov.example", subject
    message["Message-ID"] = message_id
    message.set_content(body)
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="答复.pdf")
    parsed = parse_message(message.as_bytes(), origin="test", position=message_id)
    assert isinstance(parsed, MailReport)
    return parsed


NO_MARK = st.text(max_size=30).filter(lambda t: "督办" not in t)


@given(st.integers(min_value=1, max_value=10**9), NO_MARK, st.text(max_size=30))
def test_the_case_reference_is_found_wherever_it_stands(n: int, before: str, after: str) -> None:
    assert case_reference(f"{before} [督办#{n}] {after}") == n
    assert case_reference(f"{before}督办 {n}{'' if after[:1].isdigit() else after}") == n


@given(NO_MARK)
def test_a_subject_without_the_mark_refers_to_no_case(subject: str) -> None:
    assert case_reference(subject) is None


def test_replies_by_mail_are_filed_once_and_strangers_are_quarantined(
    world: World, tmp_path: Path
) -> None:
    with world.db.transaction() as session:
        case = cases.open_case(
            session,
            world.analyst,
            title="口罩涨价",
            department_id=world.health,
            deadline=utcnow() + timedelta(days=1),
        )
        case_id = case.id
    good = mail(
        "responder_health@gov.example",
        f"回复：[督办#{case_id}] 口罩涨价",
        "已约谈商户",
        "<r1@gov.example>",
    )
    stranger = mail("someone@else.example", f"[督办#{case_id}]", "我来答", "<r2@x.example>")
    wrong_department = mail(
        "responder_market@gov.example", f"[督办#{case_id}]", "不是我们", "<r3@gov.example>"
    )
    no_reference = mail("responder_health@gov.example", "你好", "无编号", "<r4@gov.example>")
    summary = file_mail_replies(
        world.db, [good, stranger, wrong_department, no_reference], tmp_path
    )
    assert (summary.filed, summary.quarantined) == (1, 3)
    assert file_mail_replies(world.db, [good], tmp_path).duplicates == 1
    with world.db.reading() as session:
        (reply,) = session.scalars(select(CaseReply)).all()
        assert (reply.via, reply.body.strip()) == ("email", "已约谈商户")
        assert session.get(Case, case_id).status == "replied"  # type: ignore[union-attr]
        reasons = session.scalars(select(QuarantineEntry.reason)).all()
    assert any("不是登记的部门回复人" in r for r in reasons)
    assert any("不属于本部门" in r for r in reasons)
    assert any("没有督办编号" in r for r in reasons)
