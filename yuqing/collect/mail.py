"""Officers' e-mailed field reports (社会舆情信息) as ``MailReport``s.

Reports arrive as .eml files, .mbox archives or straight from the desk mailbox
over IMAP. Chinese mail clients label text GB2312/GBK/Big5 while sending
characters only the supersets hold, and some send raw 8-bit headers, so every
piece of text is decoded with fallbacks rather than trusted to its label.
Reading never changes the mailbox: IMAP folders are opened read-only and bodies
fetched with BODY.PEEK, so not even \\Seen is set.
"""

from __future__ import annotations

import hashlib
import imaplib
import re
from base64 import b64encode
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

from yuqing.collect.mail_text import decode_bytes, decode_text_header, html_to_text, trim_reply
from yuqing.collect.records import Rejected
from yuqing.errors import ConfigError, SourceUnreachable

# A subject or (short) body containing one of these marks a zero report: the
# officer's unit had nothing to report today. Traditional forms for Big5 senders.
ZERO_REPORT_PHRASES = ("今日无情况", "无情况", "零报告", "无舆情", "無情況", "零報告", "無輿情")
# A longer body is a real report that merely mentions "无情况" somewhere.
ZERO_BODY_MAX_CHARS = 120
IMAP_TIMEOUT_S = 30


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class MailReport:
    message_id: str
    sender: str
    sender_name: str | None
    subject: str
    body: str
    sent_at: datetime | None
    is_zero: bool
    attachments: list[MailAttachment]
    origin: str
    position: str


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int = 993
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    ssl: bool = True


class ImapClient(Protocol):
    """The part of ``imaplib.IMAP4`` that reading uses."""

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]: ...
    def select(
        self, mailbox: str = ..., readonly: bool = ...
    ) -> tuple[str, list[bytes | None]]: ...
    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]: ...
    def logout(self) -> tuple[str, Any]: ...


# ---------------------------------------------------------------- sources


def read_eml(path: Path) -> MailReport | Rejected:
    """One message from an .eml file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Rejected(str(path), "message 1", f"cannot read the file: {exc}", "")
    return parse_message(raw, origin=str(path), position="message 1")


def read_maildir_folder(path: Path) -> Iterator[MailReport | Rejected]:
    """Every .eml file in a folder, by name; a real Maildir's cur/ and new/ too."""
    files = [f for f in path.iterdir() if f.is_file() and f.suffix.lower() == ".eml"]
    for sub in ("cur", "new"):
        if (path / sub).is_dir():
            files += [f for f in (path / sub).iterdir() if f.is_file()]
    for file in sorted(files, key=lambda f: f.name):
        yield read_eml(file)


def read_mbox(path: Path) -> Iterator[MailReport | Rejected]:
    """Each message of an mbox file, streamed (never the whole archive in memory)."""
    for number, raw in enumerate(_mbox_messages(path), 1):
        yield parse_message(raw, origin=str(path), position=f"message {number}")


def _mbox_messages(path: Path) -> Iterator[bytes]:
    """Split at "From " lines that start the file or follow a blank line; undo the
    mboxrd quoting of body lines that began with "From "."""
    lines: list[bytes] = []
    previous_blank = True
    with path.open("rb") as fh:
        for line in fh:
            if line.startswith(b"From ") and previous_blank:
                if lines:
                    yield b"".join(lines)
                lines = []
            else:
                unquoted = line[1:] if re.match(rb">+From ", line) else line
                lines.append(unquoted)
            previous_blank = not line.strip()
    if lines:
        yield b"".join(lines)


def read_imap(
    settings: ImapSettings,
    *,
    since_uid: int = 0,
    client_factory: Callable[..., ImapClient] | None = None,
) -> Iterator[tuple[int, MailReport | Rejected]]:
    """(uid, report) for each message in the folder with a UID above ``since_uid``.

    Raises SourceUnreachable when the server cannot be reached or drops the line,
    ConfigError when the login or folder is refused.
    """
    origin = f"imap://{settings.username}@{settings.host}:{settings.port}/{settings.folder}"
    client = _connect(settings, client_factory)
    try:
        _open_folder(client, settings)
        for uid in _search(client, since_uid):
            yield uid, _fetch(client, uid, origin)
    except imaplib.IMAP4.abort as exc:
        raise SourceUnreachable(f"{origin}: connection lost: {exc}") from exc
    except OSError as exc:
        raise SourceUnreachable(f"{origin}: {exc}") from exc
    finally:
        with suppress(Exception):  # the server may be gone already; nothing to undo
            client.logout()


def _connect(settings: ImapSettings, factory: Callable[..., ImapClient] | None) -> ImapClient:
    try:
        if factory is not None:
            return factory(settings.host, settings.port)
        if settings.ssl:
            return imaplib.IMAP4_SSL(settings.host, settings.port, timeout=IMAP_TIMEOUT_S)
        return imaplib.IMAP4(settings.host, settings.port, timeout=IMAP_TIMEOUT_S)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise SourceUnreachable(f"IMAP {settings.host}:{settings.port}: {exc}") from exc


def _open_folder(client: ImapClient, settings: ImapSettings) -> None:
    try:
        client.login(settings.username, settings.password)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        raise ConfigError(f"IMAP login to {settings.host} as {settings.username} failed") from exc
    status, detail = client.select(imap_mailbox_name(settings.folder), readonly=True)
    if status != "OK":
        raise ConfigError(f"IMAP folder {settings.folder!r} cannot be opened: {detail!r}")


def _search(client: ImapClient, since_uid: int) -> list[int]:
    status, data = client.uid("SEARCH", f"UID {since_uid + 1}:*")
    if status != "OK":
        raise SourceUnreachable(f"IMAP search failed: {data!r}")
    words = b" ".join(d for d in data if isinstance(d, bytes)).split()
    # "n:*" always matches the newest message, even when its UID is below n
    return sorted(u for u in (int(w) for w in words if w.isdigit()) if u > since_uid)


def _fetch(client: ImapClient, uid: int, origin: str) -> MailReport | Rejected:
    position = f"uid {uid}"
    try:
        status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        return Rejected(origin, position, f"the server refused to send it: {exc}", "")
    raw = next((part[1] for part in data if isinstance(part, tuple) and len(part) > 1), None)
    if status != "OK" or not isinstance(raw, bytes):
        return Rejected(origin, position, f"the server sent no message: {status} {data!r}", "")
    return parse_message(raw, origin=origin, position=position)


def imap_mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501), quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=")
            out.append("&" + encoded.decode("ascii").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    escaped = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# ---------------------------------------------------------------- parsing


def parse_message(raw: bytes, *, origin: str, position: str) -> MailReport | Rejected:
    """A report from the bytes of one message, or Rejected saying why not."""
    preview = raw[:500].decode("utf-8", "replace")
    if not raw.strip():
        return Rejected(origin, position, "empty message", preview)
    try:
        return _parse(raw, origin, position)
    except _Unusable as exc:
        return Rejected(origin, position, str(exc), preview)
    except Exception as exc:  # a safety net: one broken message must not stop the mailbox
        return Rejected(origin, position, f"cannot parse the message: {exc!r}", preview)


class _Unusable(Exception):
    """The message parsed but lacks what a report needs."""


def _parse(raw: bytes, origin: str, position: str) -> MailReport:
    msg = message_from_bytes(raw)
    if not msg.keys():
        raise _Unusable("not an e-mail message: no headers found")
    name, address = parseaddr(decode_text_header(msg.get("From")))
    if "@" not in address:
        raise _Unusable("no sender address in From")
    subject = " ".join(decode_text_header(msg.get("Subject")).split())
    body = trim_reply(_body_text(msg))
    return MailReport(
        message_id=_message_id(msg, raw),
        sender=address.strip().lower(),
        sender_name=name.strip() or None,
        subject=subject,
        body=body,
        sent_at=_sent_at(msg),
        is_zero=is_zero_report(subject, body),
        attachments=_attachments(msg),
        origin=origin,
        position=position,
    )


def _message_id(msg: Message, raw: bytes) -> str:
    given = decode_text_header(msg.get("Message-ID")).strip()
    if given:
        return given
    # the same message read from a file (LF) and over IMAP (CRLF) must hash alike
    return "sha256:" + hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def _sent_at(msg: Message) -> datetime | None:
    value = decode_text_header(msg.get("Date")).strip()
    if not value:
        return None
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(UTC)


def is_zero_report(subject: str, body: str) -> bool:
    """Whether the subject, or a short body, says there is nothing to report."""
    if any(p in subject for p in ZERO_REPORT_PHRASES):
        return True
    compact = "".join(body.split())
    return len(compact) <= ZERO_BODY_MAX_CHARS and any(p in compact for p in ZERO_REPORT_PHRASES)


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or part.get_filename() is not None


def _body_text(msg: Message) -> str:
    plain: str | None = None
    html: str | None = None
    for part in msg.walk():
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _part_text(part)
        elif kind == "text/html" and html is None:
            html = _part_text(part)
    if plain is not None and plain.strip():
        return plain
    return html_to_text(html) if html else (plain or "")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    return decode_bytes(data, part.get_content_charset())


def _attachments(msg: Message) -> list[MailAttachment]:
    found = []
    for number, part in enumerate(msg.walk(), 1):
        if part.is_multipart() or not _is_attachment(part):
            continue
        name = decode_text_header(part.get_filename()).strip() or f"attachment-{number}"
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        safe = Path(name.replace("\\", "/")).name or f"attachment-{number}"  # no folders in a name
        found.append(MailAttachment(safe, part.get_content_type(), data))
    return found
