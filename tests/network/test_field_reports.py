"""Filing, redaction, attachments, adoption and who sees which reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.network.conftest import MORNING, TZ, Net
from yuqing.errors import BadInput, Conflict, Forbidden, NotFound
from yuqing.network.field_reports import (
    ReportDraft,
    ReportFilters,
    Upload,
    adopt,
    attachments_of,
    count_reports,
    file_report,
    file_zero_report,
    get_report,
    list_reports,
)
from yuqing.network.scope import Reach
from yuqing.store.models import AuditEntry, Report, ReportSeries


def test_report_is_redacted_and_attachments_stored_by_hash(net: Net, tmp_path: Path) -> None:
    draft = ReportDraft(
        "居民求助", "联系电话13812345678，希望尽快配送药品", "就医需求", "钟楼社区", "较大"
    )
    with net.db.transaction() as session:
        report = file_report(
            session,
            net.reach(net.town_officer),
            draft,
            now=MORNING,
            tz=TZ,
            uploads=[Upload("照片.jpg", "image/jpeg", b"jpeg-bytes")],
            attachments_dir=tmp_path,
        )
        report_id = report.id
    with net.db.reading() as session:
        stored = get_report(session, net.reach(net.town_officer), report_id)
        assert stored.body is not None and "13812345678" not in stored.body
        assert stored.unit_id == net.town and stored.officer_id == net.town_officer
        (attachment,) = attachments_of(session, report_id)
        assert Path(attachment.storage_path).read_bytes() == b"jpeg-bytes"
        assert session.scalar(select(AuditEntry.action)) == "field_report_filed"


@pytest.mark.parametrize(
    "draft",
    [
        ReportDraft("", "内容"),
        ReportDraft("标题", "  "),
        ReportDraft("标题", "内容", category="八卦"),
        ReportDraft("标题", "内容", urgency="天大"),
        ReportDraft("标题", "内容", day=MORNING.date() + timedelta(days=3)),
    ],
)
def test_bad_drafts_are_refused(net: Net, draft: ReportDraft) -> None:
    with net.db.transaction() as session, pytest.raises(BadInput):
        file_report(session, net.reach(net.west_officer), draft, now=MORNING, tz=TZ)


def test_zero_report_is_one_click_and_not_after_a_real_report(net: Net) -> None:
    with net.db.transaction() as session:
        first = file_zero_report(session, net.reach(net.west_officer), now=MORNING, tz=TZ)
        again = file_zero_report(session, net.reach(net.west_officer), now=MORNING, tz=TZ)
        assert first.id == again.id and first.is_zero
        file_report(session, net.reach(net.east_officer), ReportDraft("t", "b"), now=MORNING, tz=TZ)
    with net.db.transaction() as session, pytest.raises(Conflict):
        file_zero_report(session, net.reach(net.east_officer), now=MORNING, tz=TZ)


def test_officers_file_only_for_their_unit_and_read_only_their_subtree(net: Net) -> None:
    with net.db.transaction() as session:
        town = file_report(
            session, net.reach(net.town_officer), ReportDraft("镇", "b"), now=MORNING, tz=TZ
        )
        west = file_report(
            session, net.reach(net.west_officer), ReportDraft("西", "b"), now=MORNING, tz=TZ
        )
        town_id, west_id = town.id, west.id
    with net.db.transaction() as session, pytest.raises(Forbidden):
        file_report(
            session,
            net.reach(net.east_officer),
            ReportDraft("t", "b"),
            now=MORNING,
            tz=TZ,
            unit_id=net.town,
        )
    with net.db.reading() as session:
        east = net.reach(net.east_officer)
        assert [r.report.id for r in list_reports(session, east, ReportFilters())] == [town_id]
        assert get_report(session, east, town_id).id == town_id
        with pytest.raises(NotFound):
            get_report(session, east, west_id)
        with pytest.raises(NotFound):
            list_reports(session, east, ReportFilters(unit_id=net.west))
        everyone = list_reports(session, Reach.everywhere(), ReportFilters())
        assert {r.report.id for r in everyone} == {town_id, west_id}


def test_adopt_links_the_report_it_went_into(net: Net) -> None:
    with net.db.transaction() as session:
        report = file_report(
            session, net.reach(net.west_officer), ReportDraft("t", "b"), now=MORNING, tz=TZ
        )
        zero = file_zero_report(session, net.reach(net.east_officer), now=MORNING, tz=TZ)
        series = ReportSeries(code="daily", name="日报")
        session.add(series)
        session.flush()
        target = Report(series_id=series.id, title="日报", window_start=MORNING, window_end=MORNING)
        session.add(target)
        session.flush()
        ids = report.id, zero.id, target.id
    at = datetime(2026, 11, 17, tzinfo=UTC)
    with net.db.transaction() as session:
        adopted = adopt(session, ids[0], net.analyst, ids[2], now=at)
        assert (adopted.adopted, adopted.adopted_at, adopted.adopted_report_id) == (
            True,
            at,
            ids[2],
        )
    with net.db.transaction() as session, pytest.raises(BadInput):
        adopt(session, ids[1], net.analyst, None, now=at)
    with net.db.transaction() as session, pytest.raises(NotFound):
        adopt(session, ids[0], net.analyst, 999, now=at)
    with net.db.reading() as session:
        adopted_only = list_reports(session, Reach.everywhere(), ReportFilters(adopted=True))
        assert [r.report.id for r in adopted_only] == [ids[0]]


def test_paging_walks_every_matching_report_once(net: Net) -> None:
    with net.db.transaction() as session:
        for n in range(23):
            file_report(
                session,
                net.reach(net.town_officer if n % 2 else net.west_officer),
                ReportDraft(f"信息{n}", "内容", category="物资保障" if n % 3 else "其他"),
                # several share a second: the id breaks the tie, so pages never overlap
                now=MORNING + timedelta(seconds=n // 4),
                tz=TZ,
            )
    everywhere = Reach.everywhere()
    supplies = ReportFilters(category="物资保障")
    with net.db.reading() as session:
        total = count_reports(session, everywhere, supplies)
        pages = [
            list_reports(session, everywhere, replace(supplies, limit=4, offset=offset))
            for offset in range(0, 20, 4)
        ]
        mine = count_reports(session, net.reach(net.west_officer), ReportFilters())
    titles = [row.report.title for page in pages for row in page]
    assert total == 15 == len(titles) == len(set(titles))
    assert [len(p) for p in pages] == [4, 4, 4, 3, 0]
    assert mine == 12  # the west officer counts only their own subtree's
