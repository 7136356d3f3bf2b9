"""A small, realistic database used by several storage tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.store.db import Database
from yuqing.store.models import (
    Event,
    FieldReport,
    Item,
    ReportSeries,
    Source,
    TallyEntry,
    TallyMetric,
    Unit,
    User,
    UserRole,
)

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


def populate(db: Database) -> None:
    """Units with a hierarchy, a user, a source, items (one a copy), an event, a field
    report, a tally with a correction and a report series."""
    with db.transaction() as session:
        city = Unit(name="青岚市", kind="city", code="990100", path="/")
        session.add(city)
        session.flush()
        district = Unit(name="昆都仑区", kind="district", code="990102", parent_id=city.id)
        session.add(district)
        session.flush()
        district.path = f"/{city.id}/{district.id}/"
        user = User(
            username="officer", display_name="信息员", password_hash="x", unit_id=district.id
        )
        user.roles.append(UserRole(role="officer", unit_id=district.id))
        session.add(user)
        session.add(
            Source(
                name="青岚日报",
                kind="rss",
                url="http://127.0.0.1/feed",
                is_public_outlet=True,
                outlet_name="青岚日报",
            )
        )
        session.add(ReportSeries(code="daily", name="舆情日报", settings={"window_hour": 9}))
        metric = TallyMetric(code="leaflets", name="宣传单", measure="份")
        session.add(metric)
        session.flush()
        first = TallyEntry(
            unit_id=district.id, metric_id=metric.id, day=date(2026, 11, 16), value=100
        )
        session.add(first)
        session.flush()
        fixed = TallyEntry(
            unit_id=district.id, metric_id=metric.id, day=date(2026, 11, 16), value=120, note="更正"
        )
        session.add(fixed)
        session.flush()
        first.superseded_by_id = fixed.id
        session.add(
            FieldReport(
                unit_id=district.id,
                report_date=date(2026, 11, 16),
                is_zero=True,
                submitted_at=T0 + timedelta(hours=8),
            )
        )
        session.add(Event(title="核酸检测点排队", first_seen=T0, last_seen=T0 + timedelta(hours=3)))
        district.report_deadline = time(16, 30)
    texts = ["昆都仑区核酸检测点排队", "昆都侖區口罩價格上漲", "感谢医护人员"]
    records = [
        RawItem(
            body=body,
            platform_id=f"wb-{i}",
            author="江边的猫",
            published_at=T0 + timedelta(hours=i),
            likes=i,
        )
        for i, body in enumerate(texts)
    ]
    ingest(db, SourceInfo(None, "file", False, None), records, secret="k" * 32)
    with db.transaction() as session:
        items = session.query(Item).order_by(Item.id).all()
        items[2].duplicate_of_id = items[0].id
        items[0].meta = {"tags": ["排队", "检测"], "nested": {"a": 1}}
