"""Spikes: an hour much busier than the twelve before it raises one alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from yuqing.analyse.bursts import FACTOR, MIN_COUNT, find_bursts, is_burst, raise_burst_alerts
from yuqing.collect.ingest import SourceInfo, ingest
from yuqing.collect.records import RawItem
from yuqing.store.db import Database
from yuqing.store.models import Alert, Item

NOW = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)


def add(db: Database, topic: str, times: list[datetime]) -> None:
    records = [
        RawItem(body=f"{topic}第{i}条", platform_id=f"{topic}{i}", published_at=t)
        for i, t in enumerate(times)
    ]
    ingest(db, SourceInfo(None, "file", False, None), records, secret="b" * 32)
    with db.transaction() as session:
        session.execute(update(Item).where(Item.platform_id.like(f"{topic}%")).values(topic=topic))


def test_a_busy_hour_is_a_burst_and_a_steady_one_is_not(db: Database) -> None:
    baseline = [NOW - timedelta(hours=h, minutes=30) for h in range(2, 14)]
    add(db, "物价", baseline + [NOW - timedelta(minutes=m) for m in range(5, 50, 5)])
    add(db, "防控措施", [NOW - timedelta(minutes=20 * k + 10) for k in range(39)])  # 3 an hour
    with db.transaction() as session:
        bursts = raise_burst_alerts(session, NOW)
        assert [(b.dimension, b.key, b.count) for b in bursts] == [("topic", "物价", 9)]
        assert raise_burst_alerts(session, NOW) == bursts  # found again, but alerted once
        alerts = session.scalars(select(Alert)).all()
        assert len(alerts) == 1 and alerts[0].kind == "spike" and "物价" in alerts[0].title
        assert find_bursts(session, NOW + timedelta(hours=3)) == []


@given(st.integers(0, 200), st.integers(0, 2000))
def test_the_rule_is_monotonic(count: int, baseline: int) -> None:
    if is_burst(count, baseline, 12):
        assert count >= MIN_COUNT and count >= FACTOR * (baseline / 12 + 1)
        assert is_burst(count + 1, baseline, 12)
        assert baseline == 0 or is_burst(count, baseline - 1, 12)


def test_an_alert_names_its_hours_and_a_lasting_burst_stays_one_alert(db: Database) -> None:
    baseline = [NOW - timedelta(hours=h, minutes=30) for h in range(3, 15)]
    first_hour = [NOW - timedelta(hours=1, minutes=m) for m in range(5, 50, 5)]
    second_hour = [NOW - timedelta(minutes=m) for m in range(2, 58, 4)]
    add(db, "物价", baseline + first_hour + second_hour)
    with db.transaction() as session:
        raise_burst_alerts(session, NOW - timedelta(hours=1))
        raise_burst_alerts(session, NOW)
        raise_burst_alerts(session, NOW)  # a second run over the same hour adds nothing
        alerts = session.scalars(select(Alert)).all()
    assert len(alerts) == 1
    alert = alerts[0]
    # 18:00–20:00 Beijing time is 10:00–12:00 UTC; 9 + 14 items; the peak hour's 14
    # against the 11 items in the 12 hours before the burst began (0.92 an hour).
    assert alert.title == "话题“物价” 11-19 18:00–20:00 共 23 条，比前12小时均值高 15.2 倍"
    assert alert.detail["window_start"] == (NOW - timedelta(hours=2)).isoformat()
    assert alert.created_at == NOW - timedelta(hours=1)  # when it began, not when analysis ran
