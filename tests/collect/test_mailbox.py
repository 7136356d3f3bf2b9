"""Officers' e-mailed reports become their unit's field reports, once each; a responder's
mail naming a case becomes that case's reply."""

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
from yuqing.store.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseReply,
    FieldReport,
    QuarantineEntry,
    Role,
)
from yuqing.store.types import utcnow

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
            "Blue-lantern-river-42",
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


def test_a_responders_mail_naming_a_case_is_filed_on_the_case_only_if_it_is_theirs(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as session:
        city = add_unit(session, "青岚市", "city")
        town = add_unit(session, "钢城街道", "street", parent=city)
        health = add_unit(session, "市卫生健康委员会", "department", parent=city)
        market = add_unit(session, "市市场监督管理局", "department", parent=city)
        for name, unit, role in (
            ("officer_gc", town, Role.OFFICER),
            ("health", health, Role.RESPONDER),
            ("market", market, Role.RESPONDER),
        ):
            add_user(
                session,
                name,
                "Blue-lantern-river-42",
                unit=unit,
                email=f"{name}@units.example",
                grants=[Grant(role, unit.id)],
            )
        case = Case(title="口罩涨价", department_id=health.id, deadline=utcnow())
        session.add(case)
        session.flush()
        case_id = case.id
        source_id = upsert_source(
            session,
            parse_spec(
                {"name": "信息员邮箱", "kind": "mail", "config": {"path": str(tmp_path / "mail")}}
            ),
        ).id
    folder = tmp_path / "mail"
    folder.mkdir()
    sent = "2026-11-17T10:00:00+08:00"
    subject = f"回复：[督办#{case_id}] 口罩涨价"
    mail(folder, "a", "health@units.example", subject, "已约谈商户。", sent, attach=True)
    mail(folder, "b", "market@units.example", subject, "不是我们的事项。", sent)
    mail(folder, "c", "health@units.example", "[督办#999999] 不存在", "答复", sent)
    # an officer who mentions a case in a subject still files a field report
    mail(folder, "d", "officer_gc@units.example", f"关于督办#{case_id}", "居民反映价格。", sent)

    for _ in range(2):  # reading the folder again files nothing twice
        with Fetcher(FetchPolicy(min_interval=0)) as fetcher:
            poll_source(
                db,
                source_id,
                fetcher=fetcher,
                secret="s" * 32,
                tz=TZ,
                attachments_dir=tmp_path / "attachments",
            )

    with db.reading() as session:
        (reply,) = session.scalars(select(CaseReply)).all()
        assert (reply.case_id, reply.via, reply.body) == (case_id, "email", "已约谈商户。")
        assert reply.external_id == "<a@units.example>"
        assert session.get(Case, case_id).status == "replied"  # type: ignore[union-attr]
        attachment = session.scalars(
            select(Attachment).where(Attachment.owner_type == "case_reply")
        ).one()
        assert attachment.owner_id == reply.id
        assert Path(attachment.storage_path).read_bytes() == b"%PDF-1.4 demo"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.reply")).one()
        assert audit.object_id == str(case_id) and audit.detail["via"] == "email"
        reasons = sorted(session.scalars(select(QuarantineEntry.reason)).all())
        assert len(reasons) == 2
        assert "不属于本部门" in reasons[0] and "market@units.example" in reasons[0]
        assert "督办事项 999999 不存在" in reasons[1]
        (report,) = session.scalars(select(FieldReport)).all()
        assert report.body == "居民反映价格。"
