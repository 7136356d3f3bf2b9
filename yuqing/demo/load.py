"""Load a generated scenario into a database through the same paths real data takes:
units and users through the network wing, items through collect's ingest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.collect.ingest import IngestSummary, SourceInfo, ingest_pairs
from yuqing.collect.records import RawItem
from yuqing.demo.feed_server import officer_email
from yuqing.demo.scenario import DemoFieldReport, DemoItem, DemoUnit, Scenario
from yuqing.network.field_reports import ReportDraft, file_report, file_zero_report
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.network.scope import Reach, officer_reach
from yuqing.network.tallies import OUTLET_ARTICLES, add_metric, record_tally
from yuqing.store.db import Database
from yuqing.store.models import ReportSeries, Role, Source, TallyMetric, Unit, User
from yuqing.store.types import utcnow

# The desk's own accounts: (username, display name, roles).
DESK_ACCOUNTS = (
    ("admin", "系统管理员", (Role.ADMIN,)),
    ("analyst", "研判员 李敏", (Role.ANALYST,)),
    ("editor", "编辑 王芳", (Role.EDITOR, Role.ANALYST)),
    ("signer", "科长 张建国", (Role.SIGNER, Role.EDITOR)),
)
# The scenario's clock (timeline.LOCAL_TZ is the same offset, as a fixed zone).
DEMO_TZ = ZoneInfo("Asia/Shanghai")
REPORT_SERIES = (
    ("daily", "舆情日报", "daily"),
    ("special", "舆情专报", "special"),
    ("weekly", "舆情周报", "weekly"),
    ("bulletin", "情况通报", "bulletin"),
)


@dataclass
class LoadSummary:
    units: int
    users: int
    sources: int
    items: IngestSummary
    field_reports: int
    tallies: int


def load_scenario(
    db: Database,
    scenario: Scenario,
    *,
    secret: str,
    password: str,
    on_items: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Write the whole scenario; ``on_items`` hears how many items each batch read."""
    units, users = load_people(db, scenario, password)
    sources = _load_sources(db, scenario)
    items = ingest_pairs(
        db,
        _records(scenario, sources, units),
        secret=secret,
        on_batch=(lambda s: on_items(s.read)) if on_items else None,
    )
    reports, tallies = load_network(db, scenario, units)
    return LoadSummary(len(units), users, len(sources), items, reports, tallies)


def load_people(db: Database, scenario: Scenario, password: str) -> tuple[dict[str, int], int]:
    with db.transaction() as session:
        units: dict[str, Unit] = {}
        for demo_unit in _parents_first(scenario):
            parent = units.get(demo_unit.parent_key) if demo_unit.parent_key else None
            units[demo_unit.key] = add_unit(
                session,
                demo_unit.name,
                demo_unit.kind,
                parent=parent,
                code=demo_unit.code,
                created_at=scenario.start,  # the network exists from the week's first day
            )
        top = next(u for u in units.values() if u.parent_id is None)
        for username, name, roles in DESK_ACCOUNTS:
            add_user(
                session,
                username,
                password,
                display_name=name,
                unit=top,
                grants=[Grant(r) for r in roles],
            )
        for officer in scenario.officers:
            unit = units[officer.unit_key]
            add_user(
                session,
                officer.username,
                password,
                display_name=officer.display_name,
                unit=unit,
                email=officer_email(officer.username),
                grants=[Grant(Role(officer.role), unit.id)],
            )
        for code, name, kind in REPORT_SERIES:
            # No unit of its own: reports print the configured issuing unit (发文机关).
            session.add(ReportSeries(code=code, name=name, kind=kind, issuing_unit=None))
        return {key: unit.id for key, unit in units.items()}, len(DESK_ACCOUNTS) + len(
            scenario.officers
        )


def _parents_first(scenario: Scenario) -> Iterator[DemoUnit]:
    placed: set[str] = set()
    remaining = list(scenario.units)
    while remaining:
        ready = [u for u in remaining if u.parent_key is None or u.parent_key in placed]
        if not ready:
            raise ValueError("scenario units form a cycle or name a missing parent")
        for unit in ready:
            placed.add(unit.key)
            yield unit
        remaining = [u for u in remaining if u.key not in placed]


def _load_sources(db: Database, scenario: Scenario) -> dict[str, SourceInfo]:
    with db.transaction() as session:
        made = {}
        for s in scenario.sources:
            source = Source(
                name=s.name,
                kind=s.kind,
                url=s.url,
                is_public_outlet=s.is_public_outlet,
                outlet_name=s.outlet_name,
                weight=s.weight,
                allow_private=True,
            )
            session.add(source)
            session.flush()
            made[s.key] = SourceInfo.of(source)
        return made


def _records(
    scenario: Scenario, sources: dict[str, SourceInfo], units: dict[str, int]
) -> Iterator[tuple[SourceInfo, RawItem]]:
    for item in scenario.items():
        yield sources[item.source_key], _raw(item, units)


def _raw(item: DemoItem, units: dict[str, int]) -> RawItem:
    return RawItem(
        body=item.body,
        title=item.title,
        url=item.url,
        platform_id=item.platform_id,
        author=item.author,
        published_at=item.published_at,
        kind=item.kind,
        likes=item.likes,
        reposts=item.reposts,
        comments=item.comments,
        views=item.views,
        unit_id=units.get(item.unit_key) if item.unit_key else None,
        meta={"demo": {"index": item.index, **item.truth}},
        origin="demo scenario",
        position=str(item.index),
    )


def load_network(
    db: Database, scenario: Scenario, units: dict[str, int], *, field_reports: bool = True
) -> tuple[int, int]:
    """The metric catalogue and the week's tallies, and (unless they arrive by e-mail)
    the field reports, each filed through the network wing as its officer would."""
    with db.transaction() as session:
        officers = dict(session.execute(select(User.username, User.id)).all())
        for m in scenario.tally_metrics:
            add_metric(session, m.code, m.name, m.unit)
        add_metric(session, "outlet_articles", "官方媒体发稿", "篇", auto_source=OUTLET_ARTICLES)
        metrics = {m.code: m for m in session.scalars(select(TallyMetric))}
        reaches = {
            key: officer_reach(session, user_id, [units[key]])
            for key, user_id in _officer_units(scenario, officers).items()
        }
        # the week is in the past; a later start still files as of its own end
        now = max(utcnow(), scenario.start + timedelta(days=scenario.days))
        for t in scenario.tallies:
            reach = reaches.get(t.unit_key) or Reach.everywhere()
            metric = metrics[t.metric_code]
            record_tally(
                session, reach, units[t.unit_key], metric, t.day, t.value, now=now, tz=DEMO_TZ
            )
        if field_reports:
            for r in scenario.field_reports:
                _file(session, reaches[r.unit_key], r)
    return (len(scenario.field_reports) if field_reports else 0), len(scenario.tallies)


def _officer_units(scenario: Scenario, officers: dict[str, int]) -> dict[str, int]:
    return {o.unit_key: officers[o.username] for o in scenario.officers if o.role == "officer"}


def _file(session: Session, reach: Reach, report: DemoFieldReport) -> None:
    if report.is_zero:
        file_zero_report(
            session, reach, now=report.submitted_at, tz=DEMO_TZ, day=report.report_date
        )
        return
    draft = ReportDraft(
        report.title or "",
        report.body or "",
        report.category,
        None,
        report.urgency,
        report.report_date,
    )
    file_report(session, reach, draft, now=report.submitted_at, tz=DEMO_TZ)
