"""Officers' e-mailed field reports (社会舆情信息, including zero reports), from a mail
folder, an mbox file or an IMAP mailbox, filed under the sender's unit.

A source of kind ``mail`` has config ``path`` (a folder of .eml files, one .eml or an
.mbox) or ``imap`` ({host, port, username, password, folder, ssl}). Reports are kept
once per Message-ID; a message from an address no officer has is quarantined. A
responder's message whose subject names a case (督办#N) is that case's reply instead
(``yuqing.collect.case_replies``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.collect.case_replies import file_case_reply, is_case_reply
from yuqing.collect.ingest import IngestSummary, SourceInfo
from yuqing.collect.mail import (
    ImapSettings,
    MailReport,
    read_eml,
    read_imap,
    read_maildir_folder,
    read_mbox,
)
from yuqing.collect.records import Rejected
from yuqing.errors import BadInput
from yuqing.store.db import Database
from yuqing.store.items import quarantine
from yuqing.store.models import Attachment, FieldReport, User
from yuqing.store.types import utcnow
from yuqing.text.pii import redact

_DATE_IN_SUBJECT = re.compile(r"(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:【[^】]*】|\[[^\]]*\])\s*")
BATCH = 200


@dataclass
class MailState:
    """Where an IMAP import stopped (kept in the source's etag as ``uid:N``)."""

    last_uid: int = 0


def mail_messages(source: SourceInfo, state: MailState) -> Iterator[MailReport | Any]:
    """The messages of a mail source; for IMAP only those newer than ``state.last_uid``."""
    config = source.config
    if "imap" in config:
        settings = ImapSettings(**config["imap"])
        for uid, message in read_imap(settings, since_uid=state.last_uid):
            state.last_uid = max(state.last_uid, uid)
            yield message
        return
    path = Path(str(config.get("path", "")))
    if path.is_dir():
        yield from read_maildir_folder(path)
    elif path.suffix.lower() == ".mbox" and path.is_file():
        yield from read_mbox(path)
    elif path.is_file():
        yield read_eml(path)
    else:
        raise BadInput(
            f"mail source {source.name!r}: set config.path to a folder, .eml or .mbox, "
            "or config.imap"
        )


def report_date(report: MailReport, tz: ZoneInfo) -> date:
    """The day a report is for: a date in the subject, else the day it was sent."""
    found = _DATE_IN_SUBJECT.search(report.subject)
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    return (report.sent_at or utcnow()).astimezone(tz).date()


def import_mail(
    db: Database,
    source: SourceInfo,
    messages: Iterable[MailReport | Any],
    *,
    tz: ZoneInfo,
    attachments_dir: Path,
) -> IngestSummary:
    """File each message as its sender's unit's field report, in batches."""
    total = IngestSummary()
    batch: list[MailReport | Any] = []
    for message in messages:
        batch.append(message)
        if len(batch) >= BATCH:
            total.add(_store(db, source, batch, tz, attachments_dir))
            batch = []
    if batch:
        total.add(_store(db, source, batch, tz, attachments_dir))
    return total


def _store(
    db: Database, source: SourceInfo, batch: list[MailReport | Any], tz: ZoneInfo, folder: Path
) -> IngestSummary:
    summary = IngestSummary(read=len(batch))
    with db.transaction() as session:
        for message in batch:
            if not isinstance(message, MailReport):
                _hold(
                    session, source, message.origin, message.position, message.reason, message.raw
                )
                summary.quarantined += 1
                continue
            outcome = _file_report(session, message, tz, folder)
            if outcome == "stored":
                summary.stored += 1
            elif outcome == "duplicate":
                summary.duplicates += 1
            else:
                _hold(session, source, message.origin, message.position, outcome, message.subject)
                summary.quarantined += 1
    return summary


def _hold(
    session: Session, source: SourceInfo, origin: str, position: str, reason: str, raw: str
) -> None:
    quarantine(
        session, source_id=source.id, origin=origin, position=position, reason=reason, raw=raw
    )


def _file_report(session: Session, message: MailReport, tz: ZoneInfo, folder: Path) -> str:
    """'stored', 'duplicate', or the reason the message cannot be filed."""
    known = session.scalar(
        select(FieldReport.id).where(FieldReport.external_id == message.message_id[:300])
    )
    if known is not None:
        return "duplicate"
    if is_case_reply(session, message):  # a department answering a case (督办#N)
        return file_case_reply(session, message, folder)
    officer = session.scalar(
        select(User).where(func.lower(User.email) == message.sender.lower(), User.active)
    )
    if officer is None or officer.unit_id is None:
        return f"sender {message.sender} is not the address of an officer with a unit"
    title = redact(_SUBJECT_PREFIX.sub("", message.subject).strip()).text or None
    report = FieldReport(
        unit_id=officer.unit_id,
        officer_id=officer.id,
        report_date=report_date(message, tz),
        is_zero=message.is_zero,
        title=None if message.is_zero else title,
        body=None if message.is_zero else redact(message.body).text,
        submitted_at=message.sent_at or utcnow(),
        via="email",
        external_id=message.message_id[:300],
    )
    session.add(report)
    session.flush()
    for attachment in message.attachments:
        session.add(
            save_attachment(
                attachment.filename,
                attachment.content_type,
                attachment.data,
                folder,
                report.id,
                officer.id,
            )
        )
    return "stored"


def save_attachment(
    filename: str, content_type: str, data: bytes, folder: Path, report_id: int, user_id: int
) -> Attachment:
    """Keep the bytes once, by content hash, under the data folder."""
    digest = hashlib.sha256(data).hexdigest()
    path = folder / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return Attachment(
        owner_type="field_report",
        owner_id=report_id,
        filename=filename[:300],
        content_type=content_type[:100],
        size=len(data),
        sha256=digest,
        storage_path=str(path),
        uploaded_by_id=user_id,
    )


def parse_state(etag: str | None) -> MailState:
    if etag and etag.startswith("uid:") and etag[4:].isdigit():
        return MailState(int(etag[4:]))
    return MailState()


__all__ = [
    "MailState",
    "Rejected",
    "import_mail",
    "mail_messages",
    "parse_state",
    "report_date",
    "save_attachment",
]
