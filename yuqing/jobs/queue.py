"""The queue, its tasks and its schedule.

Every minute a tick finds the sources that are due and queues a poll for each; any
worker takes it, and the source's lease (a row update in the database) makes sure
no two workers poll one source at once, whichever machine they run on. The same
tick raises source-health alerts.
"""

from __future__ import annotations

import threading
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from yuqing.analyse.bursts import raise_burst_alerts
from yuqing.analyse.context import build_context
from yuqing.analyse.pipeline import analyse
from yuqing.analyse.topics import Taxonomy
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.health import raise_health_alerts
from yuqing.collect.poll import PollReport, poll_source
from yuqing.collect.sources import due_sources
from yuqing.config import Settings
from yuqing.desk import duties as desk_duties
from yuqing.jobs.retention import Policy, PurgeReport, purge
from yuqing.network import duties as network_duties
from yuqing.reports import duties as report_duties
from yuqing.store.db import Database
from yuqing.store.types import utcnow


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    if settings.redis_url:
        return RedisHuey("yuqing", url=settings.redis_url, immediate=immediate)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "yuqing", filename=str(settings.data_dir / "jobs.sqlite3"), immediate=immediate
    )


class Jobs:
    """The tasks bound to one deployment's settings and database."""

    def __init__(self, settings: Settings, db: Database, huey: Huey | None = None) -> None:
        self.settings = settings
        self.db = db
        self.huey = huey or make_huey(settings)
        self._local = threading.local()
        self.poll = self.huey.task(name="poll_source")(self.poll_now)
        self.tick = self.huey.periodic_task(crontab(minute="*"), name="schedule_tick")(
            self.tick_now
        )
        self.analyse = self.huey.periodic_task(crontab(minute="*"), name="analyse_new")(
            self.analyse_now
        )
        self.duties = self.huey.periodic_task(crontab(minute="*"), name="duties")(self.duties_now)
        # daily at 19:30 UTC (03:30 in China), when the desk is quiet
        self.purge = self.huey.periodic_task(
            crontab(hour="19", minute="30"), name="retention_purge"
        )(self.purge_now)

    def fetcher(self) -> Fetcher:
        """One fetcher per worker thread; each keeps its own politeness clock."""
        fetcher: Fetcher | None = getattr(self._local, "fetcher", None)
        if fetcher is None:
            fetcher = Fetcher(
                FetchPolicy(
                    user_agent=self.settings.user_agent, min_interval=self.settings.fetch_interval
                )
            )
            self._local.fetcher = fetcher
        return fetcher

    def poll_now(self, source_id: int, only_if_due: bool = True) -> PollReport:
        return poll_source(
            self.db,
            source_id,
            fetcher=self.fetcher(),
            secret=self.settings.resolved_secret_key(),
            tz=self.settings.tz,
            attachments_dir=self.settings.data_dir / "attachments",
            only_if_due=only_if_due,
        )

    def tick_now(self) -> list[int]:
        """Queue a poll of every due source and raise health alerts; returns the ids."""
        with self.db.reading() as session:
            due = due_sources(session)
        for source_id in due:
            self.poll(source_id)
        with self.db.transaction() as session:
            raise_health_alerts(session)
        return due

    def analyse_now(self) -> int:
        """Analyse every item no run has analysed yet; returns how many."""
        with self.db.reading() as session:
            context = build_context(
                session,
                jurisdiction=self.settings.jurisdiction,
                models_dir=self.settings.data_dir / "models",
                taxonomy=Taxonomy.from_mapping(self.settings.topics)
                if self.settings.topics
                else None,
            )
        analysed = analyse(self.db, context, pending_only=True).items
        with self.db.transaction() as session:
            raise_burst_alerts(session, utcnow())
        return analysed

    def duties_now(self) -> None:
        """The wings' scheduled work: reminders, escalations, deliveries, daily drafts."""
        now = utcnow()
        for wing in (network_duties, desk_duties, report_duties):
            wing.run_duties(self.db, self.settings, now)

    def purge_now(self) -> PurgeReport:
        """Apply the retention policy; audited as ``retention_purge``."""
        policy = Policy.of(self.settings)
        return purge(self.db, policy, now=utcnow(), data_dir=self.settings.data_dir)

    def consumer(self, **options: Any) -> Consumer:
        options.setdefault("workers", self.settings.workers)
        options.setdefault("worker_type", "thread")
        return self.huey.create_consumer(**options)
