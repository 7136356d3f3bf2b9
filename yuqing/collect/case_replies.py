"""Departments' answers to cases (督办) that arrive by e-mail, filed as case replies.

A message is a case reply when its subject names a case (督办#12, see
``yuqing.text.references``) and its sender is a responder's registered address.
It is filed only on a case of the responder's own department; any other message
that names a case gets the reason it cannot be filed, for the quarantine. The
Message-ID makes reading one mailbox twice file each reply once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.collect.mail import MailAttachment, MailReport
from yuqing.store.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseReply,
    CaseStatus,
    Role,
    User,
    UserRole,
)
from yuqing.text.references import case_reference
from yuqing.text.typed import typed

STORED, DUPLICATE = "stored", "duplicate"


def _sender(session: Session, message: MailReport) -> User | None:
    return session.scalar(
        select(User).where(func.lower(User.email) == message.sender.lower(), User.active)
    )


def responder_departments(session: Session, user: User) -> set[int]:
    """The departments whose cases this person answers (a grant's unit, else their own)."""
    grants = session.scalars(
        select(UserRole.unit_id).where(
            UserRole.user_id == user.id, UserRole.role == Role.RESPONDER.value
        )
    ).all()
    found = {unit if unit is not None else user.unit_id for unit in grants}
    return {unit for unit in found if unit is not None}


def is_case_reply(session: Session, message: MailReport) -> bool:
    """Whether the message names a case and comes from a responder."""
    if case_reference(message.subject) is None:
        return False
    sender = _sender(session, message)
    return sender is not None and bool(responder_departments(session, sender))


def file_case_reply(session: Session, message: MailReport, folder: Path) -> str:
    """'stored', 'duplicate', or the reason the message cannot be a reply on its case."""
    if session.scalar(select(CaseReply.id).where(CaseReply.external_id == message.message_id)):
        return DUPLICATE
    case_id = case_reference(message.subject)
    if case_id is None:
        return f"邮件主题“{message.subject}”中没有督办编号（如 督办#12）"
    sender = _sender(session, message)
    if sender is None or not responder_departments(session, sender):
        return f"发件人 {message.sender} 不是登记的部门回复人邮箱，督办事项 {case_id} 的回复未登记"
    case = session.get(Case, case_id)
    if case is None or case.department_id not in responder_departments(session, sender):
        return f"督办事项 {case_id} 不存在或不属于本部门（发件人 {message.sender}）"
    if case.status == CaseStatus.CLOSED.value:
        return f"督办事项 {case_id} 已办结，不能再回复（发件人 {message.sender}）"
    if not message.body.strip() and not message.attachments:
        return f"督办事项 {case_id} 的邮件回复没有正文也没有附件（发件人 {message.sender}）"
    _store(session, message, case, sender, folder)
    return STORED


def _store(session: Session, message: MailReport, case: Case, sender: User, folder: Path) -> None:
    answer = CaseReply(
        case_id=case.id,
        author_id=sender.id,
        body=typed(message.body),  # redacted like a reply typed on the web
        via="email",
        external_id=message.message_id[:300],
    )
    session.add(answer)
    session.flush()
    for attachment in message.attachments:
        session.add(_keep(attachment, folder, answer.id, sender.id))
    case.status = CaseStatus.REPLIED.value
    session.add(
        AuditEntry(
            user_id=sender.id,
            action="case.reply",
            object_type="case",
            object_id=str(case.id),
            detail={"reply_id": answer.id, "via": "email", "attachments": len(message.attachments)},
        )
    )


def _keep(attachment: MailAttachment, folder: Path, reply_id: int, user_id: int) -> Attachment:
    """The file stored once by content hash under ``folder``, as the mailbox keeps reports'."""
    digest = hashlib.sha256(attachment.data).hexdigest()
    path = folder / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(attachment.data)
    return Attachment(
        owner_type="case_reply",
        owner_id=reply_id,
        filename=attachment.filename[:300],
        content_type=(attachment.content_type or "application/octet-stream")[:100],
        size=len(attachment.data),
        sha256=digest,
        storage_path=str(path),
        uploaded_by_id=user_id,
    )
