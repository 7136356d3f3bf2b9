"""Case replies that arrive by e-mail, from files: the subject carries the case reference
(督办#12), the sender is a responder's registered address for that case's department.

The mail connector files such messages as it polls the desk mailbox; this reads
.eml files, folders and .mbox archives by hand (``yuqing desk mail-replies``) through
the same filing. Anything that is not a reply on the sender's own case is held in the
quarantine with the reason, never dropped; the Message-ID files each reply once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from yuqing.collect.case_replies import DUPLICATE, STORED, file_case_reply
from yuqing.collect.mail import MailReport
from yuqing.collect.records import Rejected
from yuqing.store.db import Database
from yuqing.store.items import quarantine
from yuqing.store.models import Case
from yuqing.text.references import case_reference, case_subject

ORIGIN = "mail:case-replies"
__all__ = ["MailReplies", "case_reference", "file_mail_replies", "reply_subject"]


def reply_subject(case: Case) -> str:
    """The subject a department should keep when answering a case by e-mail."""
    return case_subject(case.id, case.title)


@dataclass
class MailReplies:
    filed: int = 0
    duplicates: int = 0
    quarantined: int = 0


def file_mail_replies(
    db: Database, messages: Iterable[MailReport | Rejected], folder: Path
) -> MailReplies:
    """File each message on its case, one transaction each; ``folder`` keeps attachments."""
    summary = MailReplies()
    for message in messages:
        with db.transaction() as session:
            outcome = _file(session, message, folder)
        if outcome == STORED:
            summary.filed += 1
        elif outcome == DUPLICATE:
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
    outcome = file_case_reply(session, message, folder)
    if outcome not in (STORED, DUPLICATE):
        quarantine(
            session,
            origin=ORIGIN,
            reason=outcome,
            position=message.message_id[:100],
            raw=f"From: {message.sender}\nSubject: {message.subject}\n\n{message.body[:2000]}",
        )
    return outcome
