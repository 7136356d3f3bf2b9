"""The demo as a desk would live it: the week's items and officers' e-mails arrive
through the real connectors, from the demo's own local feed server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from yuqing.analyse.bursts import replay_bursts
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import AnalysisSummary, analyse
from yuqing.analyse.term_background import refresh_background
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.ingest import IngestSummary, SourceInfo, ingest
from yuqing.collect.poll import PollReport, poll_source
from yuqing.collect.records import RawItem
from yuqing.collect.sources import parse_spec, upsert_source
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.feed_server import CHANNELS, DemoSite
from yuqing.demo.load import load_network, load_people
from yuqing.demo.scenario import Scenario
from yuqing.demo.training import train_demo_models
from yuqing.store.db import Database
from yuqing.store.types import utcnow

MAIL_SOURCE = "信息员邮箱（演示）"
DEMO_CITY_CODE = "990200"  # the fictional 青岚市; its districts are 9902xx


@dataclass
class LiveLoad:
    units: int
    users: int
    polls: list[PollReport] = field(default_factory=list)
    manual: IngestSummary = field(default_factory=IngestSummary)
    tallies: int = 0

    @property
    def items(self) -> IngestSummary:
        total = IngestSummary()
        for report in self.polls:
            if report.source != MAIL_SOURCE:
                total.add(report.summary)
        total.add(self.manual)
        return total

    @property
    def field_reports(self) -> int:
        return sum(r.summary.stored for r in self.polls if r.source == MAIL_SOURCE)


def load_live(
    db: Database,
    scenario: Scenario,
    *,
    folder: Path,
    secret: str,
    password: str,
    tz: ZoneInfo,
    on_progress: Callable[[str, int], None] | None = None,
) -> tuple[LiveLoad, ThreadingHTTPServer]:
    """Load people, start the feed server, collect every source once; the server keeps
    running (the schedule polls it again) and is returned so the caller can stop it."""
    units, users = load_people(db, scenario, password)
    site = DemoSite(scenario, folder / "outside")
    server, base = site.serve()
    result = LiveLoad(len(units), users)
    source_ids = _configure_sources(db, scenario, site, base, folder)
    report = on_progress or (lambda _name, _n: None)
    with Fetcher(FetchPolicy(min_interval=0.0, retries=1)) as fetcher:
        for name, source_id in source_ids.items():
            poll = poll_source(
                db,
                source_id,
                fetcher=fetcher,
                secret=secret,
                tz=tz,
                attachments_dir=folder / "attachments",
                on_batch=_reporter(report, name),
            )
            result.polls.append(poll)
    result.manual = _hotline_entries(db, scenario, site, secret, report)
    _reports, result.tallies = load_network(db, scenario, units, field_reports=False)
    return result, server


def _reporter(report: Callable[[str, int], None], name: str) -> Callable[[IngestSummary], None]:
    return lambda summary: report(name, summary.read)


def _configure_sources(
    db: Database, scenario: Scenario, site: DemoSite, base: str, folder: Path
) -> dict[str, int]:
    ids: dict[str, int] = {}
    with db.transaction() as session:
        for demo in scenario.sources:
            kind, preset = CHANNELS[demo.key]
            if kind == "manual":
                continue
            config: dict[str, object] = {}
            if preset:
                config["preset"] = preset
            if kind == "web":
                config.update(link_selector="ul.news a", max_articles=100_000)
            if kind == "file":
                config["path"] = str(site.export_path(demo.key))
            spec = parse_spec(
                {
                    "name": demo.name,
                    "kind": kind,
                    "url": site.source_url(base, demo.key),
                    "is_public_outlet": demo.is_public_outlet,
                    "outlet_name": demo.outlet_name,
                    "weight": demo.weight,
                    "allow_private": True,
                    "config": config,
                }
            )
            ids[demo.name] = upsert_source(session, spec).id
        mail = parse_spec(
            {
                "name": MAIL_SOURCE,
                "kind": "mail",
                "config": {"path": str(folder / "outside" / "mail")},
            }
        )
        ids[MAIL_SOURCE] = upsert_source(session, mail).id
    return ids


def _hotline_entries(
    db: Database,
    scenario: Scenario,
    site: DemoSite,
    secret: str,
    report: Callable[[str, int], None],
) -> IngestSummary:
    """12345 hotline notes, typed in by the desk as manual entries."""
    name = next(s.name for s in scenario.sources if s.key == "hotline-manual")
    with db.transaction() as session:
        info = SourceInfo.of(upsert_source(session, parse_spec({"name": name, "kind": "manual"})))
    records = [
        RawItem(
            body=item.body,
            title=item.title,
            platform_id=item.platform_id,
            author=item.author,
            published_at=item.published_at,
            origin="manual entry",
            position=str(item.index),
        )
        for item in site.items.get("hotline-manual", [])
    ]
    summary = ingest(db, info, records, secret=secret)
    report(name, summary.read)
    return summary


def analyse_demo(
    db: Database,
    scenario: Scenario,
    jurisdiction: list[str],
    on_batch: Callable[[int], None] | None = None,
    models_dir: Path | None = None,
) -> AnalysisSummary:
    """Seed the fact-check library and watch rules, train the demo's own models (when
    ``models_dir`` is given), then run every analysis stage."""
    with db.transaction() as session:
        seed_desk(session, scenario.start.date())
    if models_dir is not None:
        train_demo_models(scenario, models_dir)
    with db.reading() as session:
        context = build_context(session, jurisdiction=jurisdiction, models_dir=models_dir)
    summary = analyse(db, context, on_batch=on_batch)
    end = scenario.start + timedelta(days=scenario.days)
    with db.transaction() as session:
        summary.spikes = len(replay_bursts(session, scenario.start, end))
    refresh_background(db, utcnow(), max_age=0)  # as the schedule does after a fold
    return summary
