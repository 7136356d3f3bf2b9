"""A small, exactly known desk for report tests: every figure of the daily report
dated 2026-11-17 (window 11-16 09:00 to 11-17 09:00, Asia/Shanghai) is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from yuqing.network.people import add_unit, hash_password
from yuqing.store.models import (
    Case,
    CaseReply,
    Claim,
    ClaimMatch,
    Event,
    FieldReport,
    Item,
    ItemPlace,
    Role,
    Source,
    TallyEntry,
    TallyMetric,
    Unit,
    User,
    UserRole,
)

TZ = ZoneInfo("Asia/Shanghai")
# The editor's sections a report needs before it may go to the signer.
EDITOR_TEXT = {"judgement": "总体平稳。", "suggestions": "加强引导。", "next_steps": "持续监测。"}
DAY = date(2026, 11, 17)
START = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # 09:00 local
END = datetime(2026, 11, 17, 1, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"

# What the seeded window holds.
EXPECTED = {
    "items": 10,
    "items:epidemic": 7,
    "items:local": 6,
    "items:sentiment:negative": 5,
    "items:topic:物价": 4,
    "items:place:150203": 5,
    "items:place:150204": 2,
    "rumours": 1,
    "rumour_items": 2,
    "clarified": 1,
    "cases:opened": 2,
    "cases:replied": 1,
    "cases:overdue": 2,
    "field:received": 1,
    "field:zero": 1,
    "units:late": 1,
    "units:missing": 1,
    "tally:leaflets": 50,
    "tally:leaflets:total": 150,
}


@dataclass(frozen=True)
class World:
    event_id: int
    field_report_id: int
    unit_ids: dict[str, int]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


def _item(session: Session, n: int, at: datetime, **fields: object) -> Item:
    text = str(fields.pop("text", f"第{n}条信息：昆都仑区核酸检测排队"))
    item = Item(
        ingest_key=f"k{n}",
        content_hash=f"h{n}",
        title=f"标题{n}",
        text_original=text,
        text_norm=text,
        published_at=at,
        collected_at=at,
        author=f"网友{n:04d}",
        **fields,
    )
    session.add(item)
    session.flush()
    return item


@cache
def password_hash() -> str:
    """Hashed once: argon2 is slow on purpose, and tests make many users."""
    return hash_password(PASSWORD)


def add_person(session: Session, username: str, name: str, role: Role, unit: Unit | None) -> User:
    user = User(
        username=username,
        display_name=name,
        password_hash=password_hash(),
        unit_id=unit.id if unit else None,
    )
    user.roles.append(UserRole(role=role.value, unit_id=unit.id if unit else None))
    session.add(user)
    session.flush()
    return user


def seed(session: Session) -> World:
    # Units exist (and are expected to report) from a week before the window.
    since = START - timedelta(days=7)
    city = add_unit(session, "测试市", "city", code="990100", created_at=since)
    units = {
        name: add_unit(session, name, "district", parent=city, code=code, created_at=since)
        for name, code in (("昆都仑区", "150203"), ("青山区", "150204"), ("东河区", "150202"))
    }
    health = add_unit(session, "市卫生健康委员会", "department", parent=city, created_at=since)
    for role in (Role.EDITOR, Role.ANALYST, Role.SIGNER, Role.ADMIN):
        name = {"signer": "王签发", "editor": "李编辑"}.get(role.value, role.value)
        add_person(session, role.value, name, role, None)
    for i, unit in enumerate(units.values()):
        add_person(session, f"officer{i}", f"信息员{i}", Role.OFFICER, unit)
    source = Source(name="青岚日报", kind="rss", is_public_outlet=True, outlet_name="青岚日报")
    forum = Source(name="本地论坛", kind="web")
    session.add_all([source, forum])
    session.flush()
    event = Event(
        title="昆都仑区核酸检测点排队",
        first_seen=START + timedelta(hours=1),
        last_seen=START + timedelta(hours=4),
        item_count=4,
        heat=88.5,
        trend="up",
    )
    session.add(event)
    session.flush()
    _items(session, source, forum, event, units["昆都仑区"])
    _desk(session, health)
    report_id = _network(session, units)
    return World(event.id, report_id, {n: u.id for n, u in units.items()})


def _items(session: Session, outlet: Source, forum: Source, event: Event, unit: Unit) -> None:
    topics = ["物价"] * 4 + ["核酸检测"] * 3 + [None] * 3
    sentiments = ["negative"] * 5 + ["neutral"] * 3 + ["positive"] * 2
    window_items = []
    for n in range(10):
        # The first item is published exactly at the window's start, which counts.
        item = _item(
            session,
            n,
            START + timedelta(hours=2 * n),
            topic=topics[n],
            sentiment=sentiments[n],
            is_local=n < 6,
            heat=float(100 - n),
            source_id=(outlet if n % 2 == 0 else forum).id,
            event_id=event.id if 1 <= n <= 4 else None,
            unit_id=unit.id if n < 3 else None,
        )
        if n < 5:
            session.add(
                ItemPlace(item_id=item.id, code="150203", name="昆都仑区", level="district")
            )
        if n in (2, 5):  # a second district of 包头市 (one item in the event): maps drawn
            session.add(ItemPlace(item_id=item.id, code="150204", name="青山区", level="district"))
        window_items.append(item)
    # Outside: one second before the start, and exactly at the end (excluded).
    _item(session, 90, START - timedelta(seconds=1), topic="物价", is_local=True)
    _item(session, 91, END, topic="物价", sentiment="negative", is_local=True)
    claim = Claim(
        text="喝板蓝根可以预防新冠",
        text_norm="喝板蓝根可以预防新冠",
        verdict="false",
        clarification="没有证据表明板蓝根可以预防新冠",
        authority="市卫生健康委员会",
        published=True,
        published_at=START + timedelta(hours=5),
    )
    unpublished = Claim(text="某小区封闭", text_norm="某小区封闭", verdict="false")
    session.add_all([claim, unpublished])
    session.flush()
    for item, status in zip(window_items[:3], ("confirmed", "confirmed", "candidate"), strict=True):
        session.add(
            ClaimMatch(item_id=item.id, claim_id=claim.id, score=0.9, rank=1, status=status)
        )


def _desk(session: Session, department: Unit) -> None:
    def case(title: str, created: datetime, deadline: datetime, **fields: object) -> Case:
        row = Case(
            title=title,
            department_id=department.id,
            created_at=created,
            deadline=deadline,
            **fields,
        )
        session.add(row)
        session.flush()
        return row

    # Opened in the window, due within it and still open: opened and overdue.
    case("核酸结果迟迟未出", START + timedelta(hours=1), START + timedelta(hours=10))
    # Opened in the window, due after it: opened only.
    case("小区物资配送", START + timedelta(hours=3), END + timedelta(days=2))
    # Opened before, overdue, replied in the window.
    old = case("隔离酒店投诉", START - timedelta(days=2), START - timedelta(days=1))
    session.add(CaseReply(case_id=old.id, body="已协调处理", created_at=START + timedelta(hours=6)))
    # Overdue but closed before the window ended: not overdue.
    case(
        "已办结诉求",
        START - timedelta(days=3),
        START - timedelta(days=2),
        status="closed",
        closed_at=START - timedelta(hours=1),
    )


def _network(session: Session, units: dict[str, Unit]) -> int:
    day = DAY - timedelta(days=1)  # the report day of the 9–9 window
    on_time = FieldReport(
        unit_id=units["昆都仑区"].id,
        report_date=day,
        title="群众反映检测点排队时间长",
        body="昆都仑区多个检测点排队超过两小时。",
        submitted_at=local(day, 16),
    )
    late_zero = FieldReport(
        unit_id=units["青山区"].id, report_date=day, is_zero=True, submitted_at=local(day, 20)
    )
    earlier = FieldReport(
        unit_id=units["昆都仑区"].id,
        report_date=day - timedelta(days=1),
        title="前一日报送",
        submitted_at=local(day - timedelta(days=1), 15),
    )
    session.add_all([on_time, late_zero, earlier])
    metric = TallyMetric(code="leaflets", name="宣传单", measure="份", position=1)
    session.add(metric)
    session.flush()
    unit = units["昆都仑区"].id
    newer = TallyEntry(unit_id=unit, metric_id=metric.id, day=day, value=50)
    session.add(newer)
    session.flush()
    session.add_all(
        [
            TallyEntry(unit_id=unit, metric_id=metric.id, day=day - timedelta(days=1), value=100),
            TallyEntry(
                unit_id=unit, metric_id=metric.id, day=day, value=999, superseded_by_id=newer.id
            ),
            TallyEntry(unit_id=unit, metric_id=metric.id, day=DAY + timedelta(days=1), value=7),
        ]
    )
    session.flush()
    return on_time.id
