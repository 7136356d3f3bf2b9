"""Tallies: corrections keep history, cumulative and roll-up sums are computed,
outlet articles count themselves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.network.conftest import MORNING, TZ, Net
from yuqing.errors import BadInput, Forbidden, NotFound
from yuqing.network.scope import Reach
from yuqing.network.tallies import (
    OUTLET_ARTICLES,
    add_metric,
    history,
    record_tally,
    tally_summary,
)
from yuqing.store.models import AuditEntry, Item, Source, TallyEntry

DAY = date(2026, 11, 16)
LATER = MORNING + timedelta(days=5)


def _line(lines: list, code: str) -> tuple[float, float]:  # type: ignore[type-arg]
    found = next(line for line in lines if line.metric_code == code)
    return found.new, found.cumulative


def test_corrections_keep_history_and_only_current_values_count(net: Net) -> None:
    with net.db.transaction() as session:
        leaflets = add_metric(session, "leaflets", "宣传单", "份")
        town = net.reach(net.town_officer)
        record_tally(session, town, net.town, leaflets, DAY, 100, now=LATER, tz=TZ)
        record_tally(session, town, net.town, leaflets, DAY, 100, now=LATER, tz=TZ)  # same: no-op
        record_tally(session, town, net.town, leaflets, DAY, 120, now=LATER, tz=TZ, note="漏计")
        record_tally(session, town, net.town, leaflets, DAY + timedelta(1), 50, now=LATER, tz=TZ)
    with net.db.reading() as session:
        entries = history(session, net.reach(net.town_officer), net.town, DAY)
        assert [e.value for e in entries] == [100, 120]
        assert entries[0].superseded_by_id == entries[1].id
        assert entries[1].superseded_by_id is None and entries[1].note == "漏计"
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions.count("tally_corrected") == 1 and actions.count("tally_recorded") == 2
        # the second day alone is new; the cumulative runs from the first entry
        second = tally_summary(session, DAY + timedelta(1), DAY + timedelta(1))
        assert _line(second, "leaflets") == (50, 170)
        first = tally_summary(session, DAY, DAY)
        assert _line(first, "leaflets") == (120, 120)


def test_sums_roll_up_the_subtree(net: Net) -> None:
    with net.db.transaction() as session:
        metric = add_metric(session, "banners", "横幅", "条")
        record_tally(
            session, net.reach(net.town_officer), net.town, metric, DAY, 3, now=LATER, tz=TZ
        )
        record_tally(
            session, net.reach(net.east_officer), net.east, metric, DAY, 4, now=LATER, tz=TZ
        )
        record_tally(
            session, net.reach(net.west_officer), net.west, metric, DAY, 5, now=LATER, tz=TZ
        )
    with net.db.reading() as session:
        assert _line(tally_summary(session, DAY, DAY, net.town), "banners") == (3, 3)
        assert _line(tally_summary(session, DAY, DAY, net.east), "banners") == (7, 7)
        assert _line(tally_summary(session, DAY, DAY, net.city), "banners") == (12, 12)
        assert _line(tally_summary(session, DAY, DAY), "banners") == (12, 12)


def test_officers_enter_only_their_own_units_values(net: Net) -> None:
    with net.db.transaction() as session:
        metric = add_metric(session, "boards", "展板", "块")
    with net.db.transaction() as session, pytest.raises(Forbidden):
        # a district officer sees its town but does not type the town's counts
        record_tally(
            session, net.reach(net.east_officer), net.town, metric, DAY, 1, now=LATER, tz=TZ
        )
    with net.db.transaction() as session, pytest.raises(NotFound):
        record_tally(
            session, net.reach(net.west_officer), net.east, metric, DAY, 1, now=LATER, tz=TZ
        )


@pytest.mark.parametrize("value, day", [(-1.0, DAY), (float("nan"), DAY), (1.0, date(2026, 12, 1))])
def test_bad_values_and_future_days_are_refused(net: Net, value: float, day: date) -> None:
    with net.db.transaction() as session:
        metric = add_metric(session, "screens", "电子屏", "块")
    with net.db.transaction() as session, pytest.raises(BadInput):
        record_tally(
            session, net.reach(net.west_officer), net.west, metric, day, value, now=LATER, tz=TZ
        )


def test_outlet_articles_are_counted_from_items_not_typed(net: Net) -> None:
    with net.db.transaction() as session:
        metric = add_metric(session, "outlet", "官方媒体发稿", "篇", auto_source=OUTLET_ARTICLES)
        outlet = Source(name="青岚日报", kind="rss", is_public_outlet=True, unit_id=net.east)
        forum = Source(name="论坛", kind="web")
        session.add_all([outlet, forum])
        session.flush()
        # 23:30 UTC on the 15th is the 16th in Shanghai
        times = [
            datetime(2026, 11, 15, 23, 30, tzinfo=UTC),
            datetime(2026, 11, 15, 15, 0, tzinfo=UTC),
        ]
        for n, (source, at, unit) in enumerate(
            [
                (outlet, times[0], None),
                (outlet, times[1], None),
                (forum, times[0], None),
                (outlet, times[0], net.town),
            ]
        ):
            session.add(
                Item(
                    source_id=source.id,
                    unit_id=unit,
                    ingest_key=f"k{n}",
                    content_hash="h",
                    text_original="稿件",
                    text_norm="稿件",
                    published_at=at,
                    collected_at=at,
                )
            )
    with net.db.transaction() as session, pytest.raises(BadInput):
        record_tally(session, Reach.everywhere(), net.east, metric, DAY, 1, now=LATER, tz=TZ)
    with net.db.reading() as session:
        assert _line(tally_summary(session, DAY, DAY, tz=TZ), "outlet") == (2, 3)
        assert _line(tally_summary(session, DAY, DAY, net.town, tz=TZ), "outlet") == (1, 1)
        assert _line(tally_summary(session, DAY, DAY, net.west, tz=TZ), "outlet") == (0, 0)
        assert session.scalars(select(TallyEntry)).all() == []
