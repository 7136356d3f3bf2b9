"""The metric catalogue: rename, reorder, deactivate and reactivate; an inactive
metric leaves the forms and keeps its history in the summaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.network.conftest import MORNING, TZ, Net
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.network.tallies import (
    add_metric,
    all_metrics,
    find_metric,
    metrics,
    move_metric,
    record_tally,
    rename_metric,
    set_metric_active,
    tally_summary,
)
from yuqing.store.models import AuditEntry

DAY = date(2026, 11, 16)
LATER = MORNING + timedelta(days=5)


def test_rename_keeps_the_code_and_refuses_a_name_in_use(net: Net) -> None:
    with net.db.transaction() as session:
        leaflets = add_metric(session, "leaflets", "宣传单", "份")
        add_metric(session, "posters", "海报", "张")
        rename_metric(session, leaflets.id, " 宣传折页 ", "册", net.analyst)
        assert find_metric(session, "宣传折页").code == "leaflets"
        with pytest.raises(NotFound):
            find_metric(session, "宣传单")
        detail = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "tally_metric_renamed")
        ).one()
        assert detail["previous"] == "宣传单（份）" and detail["measure"] == "册"
    with net.db.transaction() as session, pytest.raises(Conflict, match="海报"):
        rename_metric(session, leaflets.id, "海报", "张", net.analyst)
    with net.db.transaction() as session, pytest.raises(BadInput, match="leaflets"):
        rename_metric(session, leaflets.id, "  ", "册", net.analyst)
    with net.db.transaction() as session, pytest.raises(Conflict):
        add_metric(session, "posters2", "海报", "张")


def test_moving_reorders_the_catalogue(net: Net) -> None:
    with net.db.transaction() as session:
        ids = [add_metric(session, f"m{n}", f"指标{n}", "份").id for n in range(3)]
    with net.db.transaction() as session:
        move_metric(session, ids[2], -1, net.analyst)
        move_metric(session, ids[0], -1, net.analyst)  # already first: nothing moves
    with net.db.reading() as session:
        assert [m.id for m in all_metrics(session)] == [ids[0], ids[2], ids[1]]
    with net.db.transaction() as session:
        move_metric(session, ids[0], 1, net.analyst)
    with net.db.reading() as session:
        assert [m.id for m in metrics(session)] == [ids[2], ids[0], ids[1]]
        moved = session.scalars(select(AuditEntry).where(AuditEntry.action == "tally_metric_moved"))
        assert len(moved.all()) == 2
    with net.db.transaction() as session, pytest.raises(NotFound):
        move_metric(session, 999_999, 1, net.analyst)


def test_an_inactive_metric_leaves_the_forms_and_keeps_its_history(net: Net) -> None:
    with net.db.transaction() as session:
        banners = add_metric(session, "banners", "横幅", "条")
        unused = add_metric(session, "unused", "未用指标", "个")
        record_tally(
            session, net.reach(net.town_officer), net.town, banners, DAY, 3, now=LATER, tz=TZ
        )
        set_metric_active(session, banners.id, False, net.analyst)
        set_metric_active(session, unused.id, False, net.analyst)
    with net.db.reading() as session:
        assert metrics(session) == []
        lines = tally_summary(session, DAY, DAY + timedelta(days=1))
        assert [(line.metric_code, line.cumulative, line.active) for line in lines] == [
            ("banners", 3, False)
        ]
        # in every column of the summary, also where nothing was entered
        west = tally_summary(session, DAY, DAY, net.west)
        assert [(line.metric_code, line.new) for line in west] == [("banners", 0)]
        # before its first entry the inactive metric has no history to show
        assert tally_summary(session, DAY - timedelta(days=1), DAY - timedelta(days=1)) == []
    with net.db.transaction() as session, pytest.raises(BadInput, match="已停用"):
        metric = find_metric(session, "banners")
        record_tally(
            session, net.reach(net.town_officer), net.town, metric, DAY, 4, now=LATER, tz=TZ
        )
    with net.db.transaction() as session:
        set_metric_active(session, banners.id, True, net.analyst)
    with net.db.reading() as session:
        assert [m.code for m in metrics(session)] == ["banners"]
        actions = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "tally_metric_active")
        ).all()
        assert actions == [{"active": False}, {"active": False}, {"active": True}]
