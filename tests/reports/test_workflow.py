"""Sign-off by role, nothing changes after issue, and gap-free numbering when several
people issue at the same moment (threads on both backends)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.reports.seed import DAY, EDITOR_TEXT, END, TZ, seed
from yuqing.config import load_settings
from yuqing.errors import Conflict, Forbidden
from yuqing.reports import workflow as wf
from yuqing.reports.duties import run_duties
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window
from yuqing.store.db import Database
from yuqing.store.models import Report, ReportSeries, Role, User

NOW = END + timedelta(hours=1)


def people(db: Database) -> dict[str, wf.Actor]:
    with db.reading() as session:
        users = session.scalars(select(User)).all()
        return {
            u.username: wf.Actor(u.id, u.display_name, frozenset(Role(r.role) for r in u.roles))
            for u in users
        }


def drafts(db: Database, count: int) -> list[int]:
    with db.transaction() as session:
        ensure_default_series(session, "测试市舆情专班")
        series = get_series(session, "daily")
        return [
            wf.create_draft(
                session, series, daily_window(DAY - timedelta(days=n), TZ), wf.SYSTEM, NOW
            ).id
            for n in range(count)
        ]


def approved(db: Database, count: int) -> list[int]:
    ids = drafts(db, count)
    with db.transaction() as session:
        for report_id in ids:
            wf.edit_sections(session, report_id, wf.SYSTEM, EDITOR_TEXT)
            wf.submit(session, report_id, wf.SYSTEM)
            wf.approve(session, report_id, wf.SYSTEM)
    return ids


def test_each_step_by_its_role_and_nothing_after_issue(db: Database) -> None:
    with db.transaction() as session:
        seed(session)
    who = people(db)
    (report_id,) = drafts(db, 1)
    with db.transaction() as session:
        wf.edit_sections(session, report_id, who["editor"], {**EDITOR_TEXT, "judgement": "平稳"})
        wf.submit(session, report_id, who["editor"])
    with pytest.raises(Forbidden), db.transaction() as session:
        wf.approve(session, report_id, who["editor"])
    with pytest.raises(Conflict), db.transaction() as session:
        wf.edit_sections(session, report_id, who["editor"], {"judgement": "审核中不能改"})
    with db.transaction() as session:
        wf.return_to_draft(session, report_id, who["signer"], "补充研判")
        wf.edit_sections(session, report_id, who["editor"], {"judgement": "平稳，补充"})
        wf.submit(session, report_id, who["editor"])
        wf.approve(session, report_id, who["signer"])
        report = wf.issue(session, report_id, who["signer"], NOW)
        assert (report.number, report.signer_name) == (1, "王签发")
    for change in (
        lambda s: wf.edit_sections(s, report_id, who["editor"], {"judgement": "改"}),
        lambda s: wf.refresh(s, report_id, who["editor"], TZ, NOW),
        lambda s: wf.return_to_draft(s, report_id, who["signer"]),
        lambda s: wf.issue(s, report_id, who["signer"], NOW),
    ):
        with pytest.raises(Conflict), db.transaction() as session:
            change(session)
    with db.reading() as session:
        history = [(v.version, v.status) for v in wf.versions(session, report_id)]
        assert history[-1] == (len(history), "issued")
        assert [s for _, s in history].count("in_review") == 2
        assert wf.versions(session, report_id)[1].content["editor"]["judgement"] == "平稳"


def _race(db: Database, ids: list[int]) -> tuple[list[int], list[Exception]]:
    """Every id issued by its own thread, all released at once."""
    gate = threading.Barrier(len(ids))
    numbers: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def issue(report_id: int) -> None:
        gate.wait()
        try:
            with db.transaction() as session:
                number = wf.issue(session, report_id, wf.SYSTEM, NOW).number
            with lock:
                numbers.append(int(number or 0))
        except Exception as exc:  # collected and asserted on below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return numbers, errors


def test_concurrent_issues_number_without_gap_or_repeat(db: Database) -> None:
    ids = approved(db, 8)
    numbers, errors = _race(db, ids)
    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    with db.reading() as session:
        stored = session.execute(select(Report.id, Report.number)).all()
        assert sorted(n or 0 for _, n in stored) == list(range(1, 9))
        assert get_series(session, "daily").last_number == 8


def test_the_same_report_issued_twice_at_once_gets_one_number(db: Database) -> None:
    (report_id,) = approved(db, 1)
    numbers, errors = _race(db, [report_id] * 4)
    assert numbers == [1]
    assert len(errors) == 3 and all(isinstance(e, Conflict) for e in errors)
    with db.reading() as session:
        assert get_series(session, "daily").last_number == 1


def test_a_failed_issue_gives_its_number_back(db: Database) -> None:
    first, second = approved(db, 2)
    with pytest.raises(RuntimeError), db.transaction() as session:
        wf.issue(session, first, wf.SYSTEM, NOW)
        raise RuntimeError("the transaction fails after the number was taken")
    with db.transaction() as session:
        assert wf.issue(session, second, wf.SYSTEM, NOW).number == 1


def test_the_daily_draft_appears_once_when_its_window_closes(
    db: Database, tmp_path: object
) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="t" * 32, city_name="测试市")
    before = END - timedelta(minutes=1)
    run_duties(db, settings, before)
    with db.reading() as session:
        windows = session.scalars(select(Report.window_end)).all()
        assert windows == [END - timedelta(days=1)]
    for minute in range(3):
        run_duties(db, settings, END + timedelta(minutes=minute))
    with db.reading() as session:
        windows = sorted(session.scalars(select(Report.window_end)).all())
        assert windows == [END - timedelta(days=1), END]
        assert (
            session.scalar(select(ReportSeries.kind).where(ReportSeries.code == "daily")) == "daily"
        )
