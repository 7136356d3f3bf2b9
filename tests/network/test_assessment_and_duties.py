"""Scores from compliance, adoption, tallies and directives; reminders raised once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.network.conftest import TZ, Net
from yuqing.config import load_settings
from yuqing.errors import BadInput
from yuqing.network.assessment import Weights, assess, load_weights, save_weights
from yuqing.network.directives import acknowledge, complete, directives, send_directive
from yuqing.network.duties import run_duties
from yuqing.network.field_reports import ReportDraft, adopt, file_report, file_zero_report
from yuqing.network.scope import Reach
from yuqing.network.tallies import add_metric, record_tally
from yuqing.store.models import Alert

START = date(2026, 11, 16)
END = date(2026, 11, 17)


def _at(day: date, hour: int) -> datetime:
    """Local hour on ``day`` in Shanghai, as UTC."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


def test_scores_rank_the_reliable_unit_first(net: Net) -> None:
    with net.db.transaction() as session:
        metric = add_metric(session, "leaflets", "宣传单", "份")
        for day in (START, END):
            filed = file_report(
                session,
                net.reach(net.east_officer),
                ReportDraft("t", "b", day=day),
                now=_at(day, 15),
                tz=TZ,
            )
            adopt(session, filed.id, net.analyst, None, now=_at(day, 18))
            record_tally(
                session,
                net.reach(net.east_officer),
                net.east,
                metric,
                day,
                5,
                now=_at(day, 15),
                tz=TZ,
            )
        file_zero_report(session, net.reach(net.town_officer), day=START, now=_at(START, 20), tz=TZ)
        directive = send_directive(
            session,
            kind="task",
            title="张贴海报",
            body="各单位张贴防疫海报",
            unit_ids=[net.east, net.west],
            deadline=_at(END, 12),
            user_id=net.analyst,
            now=_at(START, 9),
        )
        complete(
            session,
            net.reach(net.east_officer),
            directive.id,
            net.east,
            note="已张贴20张",
            now=_at(START, 16),
        )
    with net.db.reading() as session:
        scores = assess(session, START, END, TZ, now=_at(END, 23))
    by_unit = {s.unit_id: s for s in scores}
    east, town, west = by_unit[net.east], by_unit[net.town], by_unit[net.west]
    assert [s.rank for s in scores] == [1, 2, 3] and scores[0].unit_id == net.east
    assert (east.reports_filed, east.days_covered, east.on_time_rate, east.adopted) == (
        2,
        2,
        1.0,
        2,
    )
    assert (east.adoption_rate, east.tally_completeness, east.directives_on_time, east.score) == (
        1.0,
        1.0,
        1.0,
        100.0,
    )
    assert (town.zero_reports, town.days_covered, town.on_time_rate) == (1, 1, 0.0)
    assert (west.days_covered, west.directives_on_time, west.score) == (0, 0.0, 0.0)


def test_days_not_yet_due_are_not_held_against_a_unit(net: Net) -> None:
    with net.db.reading() as session:
        scores = assess(session, START, END, TZ, now=_at(START, 12))
    assert {s.days_expected for s in scores} == {0}


def test_weights_are_a_stored_setting(net: Net) -> None:
    with net.db.transaction() as session:
        assert load_weights(session) == Weights()
        save_weights(session, Weights(coverage=50, on_time=0), net.analyst)
    with net.db.reading() as session:
        assert load_weights(session).coverage == 50 and load_weights(session).on_time == 0
    with pytest.raises(BadInput):
        Weights(coverage=0, on_time=0, volume=0, adoption=0, tallies=0, directives=0)


def test_directives_refuse_campaigns_and_track_who_has_not_acknowledged(net: Net) -> None:
    now = _at(START, 9)
    with net.db.transaction() as session, pytest.raises(BadInput, match="转发"):
        send_directive(
            session,
            kind="task",
            title="请转发",
            body="集中转发并点赞",
            unit_ids=[net.east],
            deadline=None,
            user_id=net.analyst,
            now=now,
        )
    with net.db.transaction() as session:
        d = send_directive(
            session,
            kind="notice",
            title="通知",
            body="周报格式调整",
            unit_ids=[net.east, net.west],
            deadline=None,
            user_id=net.analyst,
            now=now,
        )
        acknowledge(session, net.reach(net.west_officer), d.id, net.west, now=now)
    with net.db.reading() as session:
        (view,) = directives(session, Reach.everywhere())
        assert [t.unit_id for t in view.not_acknowledged] == [net.east]
        assert [v.directive.id for v in directives(session, net.reach(net.west_officer))] == [d.id]


def test_reminders_go_out_once_an_hour_before_the_deadline(net: Net, tmp_path: object) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)
    with net.db.transaction() as session:
        file_zero_report(session, net.reach(net.east_officer), now=_at(START, 9), tz=TZ)
    run_duties(net.db, settings, _at(START, 15))  # two hours before: nothing yet
    with net.db.reading() as session:
        assert session.scalars(select(Alert)).all() == []
    for minute in (0, 1):
        run_duties(net.db, settings, _at(START, 16) + timedelta(minutes=minute))
    with net.db.reading() as session:
        alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    assert [a.kind for a in alerts] == ["report_reminder", "report_reminder"]
    assert sorted(a.detail["unit_id"] for a in alerts) == sorted([net.town, net.west])
