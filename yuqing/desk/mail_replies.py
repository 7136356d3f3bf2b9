"""Case replies that arrive by e-mail: the subject carries the case reference (督办#12),
the sender is a responder's registered address for that case's department.

Anything else is held in the quarantine with the reason, never dropped. The
Message-ID makes reading the same mailbox twice file each reply once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.collect.mail import MailReport
from yuqing.collect.records import Rejected
from yuqing.desk.attachments import Upload
from yuqing.desk.cases import reply, viewer_for
from yuqing.errors import YuqingError
from yuqing.store.db import Database
from yuqing.store.items import quarantine
from yuqing.store.models import Case, CaseReply, User

CASE_REFERENCE = re.compile(r"督办\s*[#＃No.．-]*\s*(\d{1,12})")
ORIGIN = "mail:case-replies"


def case_reference(subject: str) -> int | None:
    """The case number a subject refers to, e.g. "回复：[督办#12] 口罩价格" → 12."""
    match = CASE_REFERENCE.search(subject)
    return int(match.group(1)) if match else None


def reply_subject(case: Case) -> str:
    """The subject a department should keep when answering a case by e-mail."""
    return f"[督办#{case.id}] {case.title}"


@dataclass
class MailReplies:
    filed: int = 0
    duplicates: int = 0
    quarantined: int = 0


def file_mail_replies(
    db: Database, messages: Iterable[MailReport | Rejected], folder: Path
) -> MailReplies:
    summary = MailReplies()
    for message in messages:
        with db.transaction() as session:
            outcome = _file(session, message, folder)
        if outcome == "filed":
            summary.filed += 1
        elif outcome == "duplicate":
            summary.duplicates += 1
        else:
            summary.quarantined += 1
    return summary


def _file(session: Session, message: MailReport | Rejected, folder: Path) -> str:
    if not isinstance(message, MailReport):
        quarantine(
            session,
            origin=message.origin,
            reason=message.reason,
            position=message.position,
            raw=message.raw,
        )
        return "quarantined"
    if session.scalar(select(CaseReply.id).where(CaseReply.external_id == message.message_id)):
        return "duplicate"
    reason = _refusal(session, message)
    if reason is None:
        case_id = case_reference(message.subject)
        sender = session.scalar(select(User).where(func.lower(User.email) == message.sender))
        assert case_id is not None and sender is not None  # checked by _refusal
        try:
            with session.begin_nested():
                reply(
                    session,
                    viewer_for(session, sender.id),
                    case_id,
                    message.body,
                    folder=folder,
                    via="email",
                    external_id=message.message_id,
                    uploads=[
                        Upload(a.filename, a.content_type, a.data) for a in message.attachments
                    ],
                )
            return "filed"
        except YuqingError as exc:
            reason = f"督办事项 {case_id} 的邮件回复未能登记：{exc.message}"
    quarantine(
        session,
        origin=ORIGIN,
        reason=reason,
        position=message.message_id[:100],
        raw=f"From: {message.sender}\nSubject: {message.subject}\n\n{message.body[:2000]}",
    )
    return "quarantined"


def _refusal(session: Session, message: MailReport) -> str | None:
    """Why this message cannot be a case reply, or None when it can."""
    case_id = case_reference(message.subject)
    if case_id is None:
        return f"邮件主题“{message.subject}”中没有督办编号（如 督办#12）"
    sender = session.scalar(select(User).where(func.lower(User.email) == message.sender))
    if sender is None:
        return f"发件人 {message.sender} 不是登记的部门回复人邮箱"
    return None
