"""Officers' e-mailed reports become their unit's field reports, once each."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.poll import poll_source
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.models import Attachment, FieldReport, QuarantineEntry, Role

TZ = ZoneInfo("Asia/Shanghai")


def mail(
    folder: Path, name: str, sender: str, subject: str, body: str, sent: str, attach: bool = False
) -> None:
    from datetime import datetime

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "desk@qinglan.example", subject
    message["Date"] = format_datetime(datetime.fromisoformat(sent))
    message["Message-ID"] = f"<{name}@units.example>"
    message.set_content(body, charset="gb18030")
    if attach:
        message.add_attachment(
            b"%PDF-1.4 demo", maintype="application", subtype="pdf", filename="现场照片说明.pdf"
        )
    (folder / f"{name}.eml").write_bytes(bytes(message))


def test_mail_folder_files_reports_under_the_senders_unit(db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        city = add_unit(session, "青岚市", "city")
        town = add_unit(session, "钢城街道", "street", parent=city)
        add_user(
            session,
            "officer_gc",
            "password-123",
            unit=town,
            email="GC@units.example",
            grants=[Grant(Role.OFFICER, town.id)],
        )
        source_id = upsert_source(
            session,
            parse_spec(
                {"name": "信息员邮箱", "kind": "mail", "config": {"path": str(tmp_path / "mail")}}
            ),
        ).id
    folder = tmp_path / "mail"
    folder.mkdir()
    mail(
        folder,
        "a",
        "gc@units.example",
        "【社会舆情信息】2026-11-16 居民关注菜价",
        "有居民反映蔬菜价格上涨。",
        "2026-11-16T16:20:00+08:00",
        attach=True,
    )
    mail(folder, "b", "gc@units.example", "今日无情况", "今日无情况。", "2026-11-17T16:00:00+08:00")
    mail(folder, "c", "stranger@example.com", "你好", "推销信息", "2026-11-17T10:00:00+08:00")

    with Fetcher(FetchPolicy(min_interval=0)) as fetcher:
        report = poll_source(
            db,
            source_id,
            fetcher=fetcher,
            secret="s" * 32,
            tz=TZ,
            attachments_dir=tmp_path / "attachments",
        )
        assert (report.summary.stored, report.summary.quarantined) == (2, 1)
        again = poll_source(
            db,
            source_id,
            fetcher=fetcher,
            secret="s" * 32,
            tz=TZ,
            attachments_dir=tmp_path / "attachments",
        )
        assert (again.summary.stored, again.summary.duplicates) == (0, 2)

    with db.reading() as session:
        reports = session.scalars(select(FieldReport).order_by(FieldReport.report_date)).all()
        assert [(r.report_date, r.is_zero, r.via) for r in reports] == [
            (date(2026, 11, 16), False, "email"),
            (date(2026, 11, 17), True, "email"),
        ]
        assert reports[0].unit_id == town.id and reports[0].title == "2026-11-16 居民关注菜价"
        assert reports[0].body == "有居民反映蔬菜价格上涨。"
        attachment = session.scalars(select(Attachment)).one()
        assert attachment.filename == "现场照片说明.pdf"
        assert Path(attachment.storage_path).read_bytes() == b"%PDF-1.4 demo"
        held = session.scalars(select(QuarantineEntry)).one()
        assert "stranger@example.com" in held.reason
