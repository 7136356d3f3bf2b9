"""E-mail an issued report (DOCX and PDF attached) to the distribution list, via the
desk's SMTP settings. A failed delivery never undoes the issue: it is audited."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from yuqing.config import Settings
from yuqing.errors import BadInput, Conflict, SourceUnreachable
from yuqing.reports.document import Document
from yuqing.reports.render import FORMATS, filename
from yuqing.reports.render_docx import render_docx
from yuqing.reports.render_pdf import render_pdf
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry

SMTP_TIMEOUT = 30
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    recipients: list[str]
    attachments: list[str]


def build_message(doc: Document, settings: Settings, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{doc.series_name}{doc.number_label}：{doc.title}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message.set_content(
        f"{doc.issuing_unit}印发《{doc.title}》（{doc.series_name}{doc.number_label}），"
        f"签发人：{doc.signer}，签发时间：{doc.issued_label}。\n正文见附件。\n"
    )
    for fmt, data in (("docx", render_docx(doc)), ("pdf", render_pdf(doc))):
        maintype, subtype = FORMATS[fmt].split(";")[0].split("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename(doc, fmt)
        )
    return message


def send_report(
    db: Database,
    settings: Settings,
    doc: Document,
    recipients: list[str] | None = None,
    user_id: int | None = None,
) -> Sent:
    """Send an issued report to ``recipients`` (default: settings.report_recipients)."""
    if not doc.issued:
        raise Conflict(f"报告 {doc.report_id} 尚未签发，不能分发")
    targets = [r.strip() for r in (recipients or settings.report_recipients) if r.strip()]
    if not targets:
        raise BadInput("没有设置分发名单（report_recipients）")
    if not settings.smtp_host:
        raise BadInput("没有设置邮件服务器（smtp_host），无法分发报告")
    message = build_message(doc, settings, targets)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        _audit(db, doc, targets, f"failed: {exc}", user_id)
        logger.warning(
            "report %s: sending to %d recipients failed: %s", doc.report_id, len(targets), exc
        )
        raise SourceUnreachable(f"报告 {doc.report_id} 分发失败：{exc}") from exc
    _audit(db, doc, targets, "sent", user_id)
    logger.info("report %s sent to %d recipients", doc.report_id, len(targets))
    names = [part.get_filename() or "" for part in message.iter_attachments()]
    return Sent(targets, names)


def _audit(
    db: Database, doc: Document, recipients: list[str], outcome: str, user_id: int | None
) -> None:
    with db.transaction() as session:
        session.add(
            AuditEntry(
                user_id=user_id,
                action="report_distributed",
                object_type="report",
                object_id=str(doc.report_id),
                detail={"recipients": recipients, "outcome": outcome},
            )
        )
