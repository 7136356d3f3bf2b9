"""Officers' e-mailed reports: Chinese charsets, attachments, HTML, zero reports,
mbox and folder files, and IMAP read without touching the mailbox."""

from __future__ import annotations

import dataclasses
import imaplib
import mailbox
from collections.abc import Callable
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest

from yuqing.collect.mail import (
    ImapSettings,
    MailReport,
    imap_mailbox_name,
    is_zero_report,
    parse_message,
    read_eml,
    read_imap,
    read_maildir_folder,
    read_mbox,
)
from yuqing.collect.mail_text import decode_text_header, html_to_text, trim_reply
from yuqing.collect.records import Rejected
from yuqing.errors import ConfigError

DESK = "desk@qinglan.gov.cn"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- messages


def legacy_message(
    subject: str, body: str, charset: str, *, label: str | None = None, name: str = "张三"
) -> bytes:
    """As older Chinese clients send: encoded-word subject and a body in a
    national charset (compat32 Message keeps the charset as given)."""
    msg = Message()
    msg["From"] = Header(name, charset).encode() + " <Zhang.San@Qinglan.GOV.cn>"
    msg["To"] = DESK
    msg["Subject"] = Header(subject, charset).encode()
    msg["Date"] = "Mon, 16 Nov 2026 18:05:00 +0800"
    msg["Message-ID"] = f"<{charset}-1@qinglan.gov.cn>"
    msg.set_payload(body, charset)
    if label:  # a narrower label than the bytes need, as GB2312-labelled GBK
        msg.set_param("charset", label)
    return msg.as_bytes()


def modern_message(subject: str, body: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.get("sender", "李四 <lisi@qinglan.gov.cn>")
    msg["To"] = DESK
    msg["Subject"] = subject
    if "date" in headers:
        msg["Date"] = headers["date"]
    if "message_id" in headers:
        msg["Message-ID"] = headers["message_id"]
    msg.set_content(body)
    return msg


def parsed(raw: bytes) -> MailReport:
    report = parse_message(raw, origin="test", position="message 1")
    assert isinstance(report, MailReport), report
    return report


# ---------------------------------------------------------------- parsing


def test_gbk_subject_and_body_under_a_gb2312_label() -> None:
    # 镕 and 堃 are GBK-only: a strict GB2312 decode would fail on them
    body = "青岚街道今日社会舆情信息：\n1. 居民反映镕堃小区核酸检测点排队过长。\n"
    report = parsed(legacy_message("青岚街道社会舆情信息", body, "gbk", label="gb2312"))
    assert report.subject == "青岚街道社会舆情信息"
    assert "镕堃小区" in report.body
    assert report.sender == "zhang.san@qinglan.gov.cn"
    assert report.sender_name == "张三"
    assert report.sent_at == datetime(2026, 11, 16, 10, 5, tzinfo=UTC)
    assert report.message_id == "<gbk-1@qinglan.gov.cn>"
    assert not report.is_zero and report.attachments == []


def test_big5_message() -> None:
    raw = legacy_message("臺北市疫情輿情通報", "今日社區篩檢站人潮眾多。", "big5", name="張三")
    report = parsed(raw)
    assert report.subject == "臺北市疫情輿情通報"
    assert report.body == "今日社區篩檢站人潮眾多。"
    assert report.sender_name == "張三"  # the name was encoded in Big5 too


def test_raw_eight_bit_gbk_subject_without_encoding() -> None:
    raw = (
        b"From: wangwu@qinglan.gov.cn\r\nSubject: "
        + "东湖社区舆情日报".encode("gbk")
        + b"\r\nContent-Type: text/plain\r\n\r\n"
        + "居民询问隔离政策。".encode("gbk")
    )
    report = parsed(raw)
    assert report.subject == "东湖社区舆情日报"
    assert report.body == "居民询问隔离政策。"
    assert report.sender_name is None and report.sent_at is None


def test_multipart_with_attachments() -> None:
    msg = modern_message("舆情日报", "详见附件。", date="Mon, 16 Nov 2026 10:00:00 +0000")
    msg.add_attachment(
        b"PK\x03\x04 fake",
        maintype="application",
        subtype=XLSX.split("/")[1],
        filename="舆情日报（11月16日）.xlsx",
    )
    msg.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="../../etc/x.pdf"
    )
    report = parsed(msg.as_bytes())
    assert report.body == "详见附件。"
    names = [(a.filename, a.content_type, a.data) for a in report.attachments]
    assert names == [
        ("舆情日报（11月16日）.xlsx", XLSX, b"PK\x03\x04 fake"),
        ("x.pdf", "application/pdf", b"%PDF-1.4"),  # no folders from a sender's name
    ]


def test_attachment_name_in_rfc2047_gbk() -> None:
    msg = modern_message("附件", "见附件")
    msg.add_attachment(b"data", maintype="application", subtype="octet-stream", filename="x")
    encoded = Header("网格员报告.docx", "gbk").encode()
    raw = msg.as_bytes().replace(b'filename="x"', f'filename="{encoded}"'.encode())
    [attachment] = parsed(raw).attachments
    assert attachment.filename == "网格员报告.docx"


def test_html_only_message() -> None:
    msg = EmailMessage()
    msg["From"] = "zhao@qinglan.gov.cn"
    msg["Subject"] = "舆情"
    msg.set_content(
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>第一条：&nbsp;药店退烧药&amp;口罩断货</p><div>第二条：<b>核酸</b>排长队</div>"
        "<script>alert(1)</script></body></html>",
        subtype="html",
    )
    assert parsed(msg.as_bytes()).body == "第一条： 药店退烧药&口罩断货\n\n第二条：核酸排长队"


def test_missing_date_and_message_id_give_none_and_a_stable_hash() -> None:
    raw = modern_message("舆情", "正文").as_bytes()
    report = parsed(raw)
    assert report.sent_at is None
    assert report.message_id.startswith("sha256:")
    # the same message over IMAP arrives with CRLF line ends
    assert parsed(raw.replace(b"\n", b"\r\n")).message_id == report.message_id
    bad_date = modern_message("舆情", "正文", date="明天上午").as_bytes()
    assert parsed(bad_date).sent_at is None


@pytest.mark.parametrize(
    ("subject", "body", "zero"),
    [
        ("青岚街道舆情日报（零报告）", "", True),
        ("11月16日舆情", "今日无情况。", True),
        ("11月16日舆情", "本辖区无舆情。\n\n-- \n张三 青岚街道办", True),
        ("11月16日舆情", "居民反映排队过长，经核查无情况属实的传言。" * 10, False),
        ("11月16日舆情", "居民反映药店缺货。", False),
    ],
)
def test_zero_reports(subject: str, body: str, zero: bool) -> None:
    report = parsed(modern_message(subject, body).as_bytes())
    assert report.is_zero is zero
    assert is_zero_report(subject, report.body) is zero


def test_replies_and_signatures_are_trimmed() -> None:
    body = "补充：东湖社区已恢复供应。\n\n-- \n张三\n青岚街道办\n"
    assert trim_reply(body) == "补充：东湖社区已恢复供应。"
    reply = (
        "收到，已处理。\n发自我的iPhone\n\n------------------ 原始邮件 ------------------\n旧内容"
    )
    assert trim_reply(reply) == "收到，已处理。"
    quoted = "好的\n在 2026年11月16日 09:30，李四 写道：\n> 请报送今日信息\n"
    assert trim_reply(quoted) == "好的"
    # a bare forward keeps what was forwarded: it is the report
    forward = "------------------ 原始邮件 ------------------\n发件人: 网格员\n居民反映停水。"
    assert "居民反映停水" in trim_reply(forward)


def test_decoders_survive_broken_input() -> None:
    assert decode_text_header("=?x-unknown?B?5L2g?=") != ""
    assert decode_text_header(None) == ""
    assert html_to_text("<p>一<br>二</p>") == "一\n二"


def test_unusable_messages_are_rejected() -> None:
    assert isinstance(parse_message(b"", origin="t", position="p"), Rejected)
    garbage = parse_message(b"\x00\x01 not a mail at all", origin="t", position="p")
    assert isinstance(garbage, Rejected) and garbage.position == "p"
    no_sender = parse_message(b"Subject: hi\n\nbody", origin="t", position="p")
    assert isinstance(no_sender, Rejected) and "sender" in no_sender.reason


# ---------------------------------------------------------------- files


def test_read_eml_and_folder(tmp_path: Path) -> None:
    (tmp_path / "b.eml").write_bytes(modern_message("二", "第二封").as_bytes())
    (tmp_path / "a.EML").write_bytes(legacy_message("一", "第一封", "gbk"))
    (tmp_path / "c.eml").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not mail")
    one = read_eml(tmp_path / "a.EML")
    assert isinstance(one, MailReport) and one.origin == str(tmp_path / "a.EML")
    results = list(read_maildir_folder(tmp_path))
    assert [type(r).__name__ for r in results] == ["MailReport", "MailReport", "Rejected"]
    assert [r.subject for r in results if isinstance(r, MailReport)] == ["一", "二"]
    assert isinstance(read_eml(tmp_path / "missing.eml"), Rejected)


def test_read_mbox(tmp_path: Path) -> None:
    path = tmp_path / "desk.mbox"
    box = mailbox.mbox(path)
    box.add(modern_message("甲", "From the street office: 排队\n第二行"))
    box.add(legacy_message("乙", "第二封", "gb18030"))
    box.add(b"From: \n\n")
    box.add(modern_message("丁", "第四封", message_id="<d@x>"))
    box.close()
    results = list(read_mbox(path))
    assert [r.position for r in results] == [f"message {n}" for n in range(1, 5)]
    first, second, third, fourth = results
    assert isinstance(first, MailReport) and first.body == "From the street office: 排队\n第二行"
    assert isinstance(second, MailReport) and second.subject == "乙"
    assert isinstance(third, Rejected) and third.origin == str(path)
    assert isinstance(fourth, MailReport) and fourth.message_id == "<d@x>"


# ---------------------------------------------------------------- IMAP


class FakeImap:
    """Stands in for the desk's mail server: a folder of messages by UID."""

    def __init__(
        self,
        messages: dict[int, bytes],
        *,
        password: str = "secret",
        vanished: tuple[int, ...] = (),
    ) -> None:
        self.messages = messages
        self.vanished = vanished  # listed by SEARCH, expunged before FETCH
        self.password = password
        self.commands: list[tuple[str, ...]] = []
        self.selected: tuple[str, bool] | None = None
        self.logged_out = False

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        if password != self.password:
            raise imaplib.IMAP4.error("LOGIN failed")
        return "OK", [b"logged in"]

    def select(
        self, mailbox: str = "INBOX", readonly: bool = False
    ) -> tuple[str, list[bytes | None]]:
        self.selected = (mailbox, readonly)
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        self.commands.append((command.upper(), *args))
        if command.upper() == "SEARCH":
            low = int(args[-1].split()[-1].split(":")[0])
            # like a real server, "n:*" always includes the newest message
            uids = [*self.messages, *self.vanished]
            found = [u for u in uids if u >= low] or [max(uids)]
            return "OK", [" ".join(map(str, sorted(found))).encode()]
        if command.upper() == "FETCH":
            uid = int(args[0])
            if uid not in self.messages:
                return "OK", [None]
            raw = self.messages[uid]
            return "OK", [(f"1 (UID {uid} BODY[] {{{len(raw)}}}".encode(), raw), b")"]
        raise AssertionError(f"unexpected command {command}")

    def logout(self) -> tuple[str, Any]:
        self.logged_out = True
        return "BYE", []


def factory(server: FakeImap) -> Callable[..., FakeImap]:
    def connect(host: str, port: int) -> FakeImap:
        assert (host, port) == ("mail.qinglan.gov.cn", 993)
        return server

    return connect


SETTINGS = ImapSettings(host="mail.qinglan.gov.cn", username="desk", password="secret")


def test_imap_reads_new_messages_without_changing_the_mailbox() -> None:
    server = FakeImap(
        {
            3: modern_message("旧", "已导入").as_bytes(),
            7: legacy_message("新的舆情", "居民反映排队", "gbk"),
            9: b"\x00 junk",
        }
    )
    settings = dataclasses.replace(SETTINGS, folder="舆情报送")
    results = list(read_imap(settings, since_uid=3, client_factory=factory(server)))
    assert [uid for uid, _ in results] == [7, 9]
    report = results[0][1]
    assert isinstance(report, MailReport) and report.subject == "新的舆情"
    assert report.position == "uid 7" and report.origin.startswith("imap://desk@mail.")
    assert isinstance(results[1][1], Rejected)
    assert server.selected == ('"&ggZgxWKlkAE-"', True)  # read-only, modified UTF-7
    fetches = [c for c in server.commands if c[0] == "FETCH"]
    assert fetches and all(c[2] == "(BODY.PEEK[])" for c in fetches)
    assert {c[0] for c in server.commands} == {"SEARCH", "FETCH"}  # never STORE or EXPUNGE
    assert server.logged_out


def test_imap_newest_message_below_since_uid_is_not_repeated() -> None:
    server = FakeImap({5: modern_message("旧", "已导入").as_bytes()})
    assert list(read_imap(SETTINGS, since_uid=5, client_factory=factory(server))) == []


def test_imap_message_the_server_cannot_deliver_is_rejected() -> None:
    server = FakeImap({4: modern_message("甲", "正文").as_bytes()}, vanished=(6,))
    results = list(read_imap(SETTINGS, client_factory=factory(server)))
    assert [uid for uid, _ in results] == [4, 6]
    assert isinstance(results[0][1], MailReport)
    assert isinstance(results[1][1], Rejected) and "no message" in results[1][1].reason


def test_imap_refused_login_is_a_config_error() -> None:
    server = FakeImap({}, password="other")
    with pytest.raises(ConfigError, match="login"):
        list(read_imap(SETTINGS, client_factory=factory(server)))
    assert server.logged_out


def test_imap_mailbox_names() -> None:
    assert imap_mailbox_name("INBOX") == '"INBOX"'
    assert imap_mailbox_name("台北") == '"&U,BTFw-"'  # the example in RFC 3501
    assert imap_mailbox_name('A&B "x"') == '"A&-B \\"x\\""'
