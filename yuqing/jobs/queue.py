"""The queue, its tasks and its schedule.

Every minute a tick finds the sources that are due and queues a poll for each; any
worker takes it, and the source's lease (a row update in the database, renewed by
a heartbeat while the poll runs) makes sure no two workers poll one source at
once, whichever machine they run on. The same tick raises source-health alerts.

Periodic tasks are enqueued only by a consumer started as the scheduler
(``yuqing serve`` or ``yuqing worker --scheduler``); even if two are started by
mistake, each periodic task claims its minute in the database first, so it runs
once a minute across the deployment. The analysis fold holds the ``analysis``
lease while it runs, so exactly one fold runs at a time on all machines; with
``analysis_shared`` it hands the per-text stages to ``tag_items`` tasks, which any
worker runs (``yuqing.jobs.tagging_tasks``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from yuqing.analyse.boundaries import use_desk_boundaries
from yuqing.analyse.bursts import raise_burst_alerts
from yuqing.analyse.pipeline import analyse
from yuqing.analyse.shared_fold import analyse_shared
from yuqing.analyse.term_background import refresh_background
from yuqing.analyse.topics import Taxonomy
from yuqing.analyse.warm import WarmContext
from yuqing.collect.fetch import Fetcher, FetchPolicy
from yuqing.collect.health import raise_health_alerts
from yuqing.collect.poll import PollReport, poll_source
from yuqing.collect.shared import shared_robots, shared_throttle
from yuqing.collect.sources import due_sources
from yuqing.config import Settings
from yuqing.desk import duties as desk_duties
from yuqing.errors import YuqingError
from yuqing.jobs import metrics
from yuqing.jobs.retention import Policy, PurgeReport, purge
from yuqing.jobs.tagging_tasks import Tagging
from yuqing.network import duties as network_duties
from yuqing.reports import duties as report_duties
from yuqing.store import leases
from yuqing.store.alerts import raise_alert
from yuqing.store.db import Database
from yuqing.store.types import utcnow

logger = logging.getLogger(__name__)

ANALYSIS_LEASE = "analysis"
MINUTE_CLAIM_SECONDS = 50  # a periodic task's claim on its minute
MAX_ITEM_ALERTS = 20  # items whose analysis failed, alerted one by one per run (all logged)
T = TypeVar("T")


class LeaseLost(YuqingError):
    """The analysis lease expired while the run still worked (a stalled run)."""


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
        use_desk_boundaries(settings.map_boundaries_dir)  # for the reports' maps
        self.huey = huey or make_huey(settings)
        self._local = threading.local()
        self.instance = uuid.uuid4().hex[:8]  # tells two Jobs of one thread apart
        self.throttle = shared_throttle(settings, db)
        self.robots = shared_robots(db)
        self.warm = WarmContext(
            jurisdiction=list(settings.jurisdiction),
            models_dir=settings.data_dir / "models",
            taxonomy=Taxonomy.from_mapping(settings.topics) if settings.topics else None,
        )
        self._warm_lock = threading.Lock()
        self.tagging = Tagging(settings, db)
        self.poll = self.huey.task(name="poll_source")(self.poll_now)
        self.tag_items = self.huey.task(name="tag_items")(self.tagging.tag_items)
        self.tick = self._every_minute("schedule_tick", self.tick_now)
        self.analyse = self._every_minute("analyse_new", self.analyse_now)
        self.duties = self._every_minute("duties", self.duties_now)
        # daily at 19:30 UTC (03:30 in China), when the desk is quiet
        self.purge = self.huey.periodic_task(
            crontab(hour="19", minute="30"), name="retention_purge"
        )(self.purge_now)

    def _every_minute(self, name: str, work: Callable[[], Any]) -> Any:
        def once_a_minute() -> Any:
            if not self.claim_minute(name):
                logger.debug("%s: this minute already ran elsewhere", name)
                return None
            return timed(name, work)

        return self.huey.periodic_task(crontab(minute="*"), name=name)(once_a_minute)

    def claim_minute(self, name: str) -> bool:
        """True for the first scheduler to run ``name`` this minute, anywhere."""
        with self.db.transaction() as session:
            return leases.take(session, f"minute:{name}", self.holder(), MINUTE_CLAIM_SECONDS)

    def holder(self) -> str:
        """Who holds a lease taken by this thread of this ``Jobs``."""
        return f"{leases.holder_id()}:{self.instance}"

    def fetcher(self) -> Fetcher:
        """One fetcher per worker thread; all share the per-host clock and robots cache."""
        fetcher: Fetcher | None = getattr(self._local, "fetcher", None)
        if fetcher is None:
            fetcher = Fetcher(
                FetchPolicy(
                    user_agent=self.settings.user_agent, min_interval=self.settings.fetch_interval
                ),
                throttle=self.throttle,
                robots_store=self.robots,
            )
            self._local.fetcher = fetcher
        return fetcher

    def poll_now(self, source_id: int, only_if_due: bool = True) -> PollReport:
        report = poll_source(
            self.db,
            source_id,
            fetcher=self.fetcher(),
            secret=self.settings.resolved_secret_key(),
            tz=self.settings.tz,
            attachments_dir=self.settings.data_dir / "attachments",
            only_if_due=only_if_due,
            lease_seconds=self.settings.poll_lease_seconds,
        )
        metrics.POLLS.labels(status=report.status).inc()
        metrics.INGESTED.inc(report.summary.stored)
        return report

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
        """Analyse every item no run has analysed yet, holding the analysis lease;
        returns how many (0 when another run holds the lease). Never raises: a
        failure is logged and alerted, and the next minute tries again."""
        holder = self.holder()
        seconds = self.settings.analysis_lease_seconds
        with self.db.transaction() as session:
            if not leases.take(session, ANALYSIS_LEASE, holder, seconds):
                logger.info("analysis: another run holds the lease; skipped")
                return 0
        try:
            beat = leases.Heartbeat(
                self.db, lambda s: leases.renew(s, ANALYSIS_LEASE, holder, seconds), seconds / 3
            )
            with beat:
                return self._fold(beat)
        except Exception as exc:
            logger.exception("analysis run failed")
            self._alert("analysis-failed", "分析运行失败", f"{type(exc).__name__}: {exc}")
            return 0
        finally:
            with self.db.transaction() as session:
                leases.release(session, ANALYSIS_LEASE, holder)

    def _fold(self, beat: leases.Heartbeat) -> int:
        def check(_count: int) -> None:
            if beat.lost:
                raise LeaseLost("the analysis lease was lost mid-run; stopping")

        with self._warm_lock, self.db.reading() as session:
            context = self.warm.context(session)
        for problem in self.warm.problems:
            self._alert(f"analysis-skipped:{problem}", "分析跳过了有问题的配置", problem)
        if self.settings.analysis_shared:
            sharing = self.tagging.sharing(self.tag_items, self.holder())
            summary = analyse_shared(self.db, context, sharing, on_batch=check)
        else:
            summary = analyse(self.db, context, pending_only=True, on_batch=check)
        for problem in summary.failed[:MAX_ITEM_ALERTS]:
            self._alert(f"analysis-item:{problem[:60]}", "分析跳过了有问题的条目", problem)
        analysed = summary.items
        metrics.ANALYSED.inc(analysed)
        with self.db.transaction() as session:
            raise_burst_alerts(session, utcnow(), self.settings.tz)
        self._count_background()
        return analysed

    def _count_background(self) -> None:
        """The key terms' background, counted here when stale so no page counts it."""
        try:
            refresh_background(self.db, utcnow())
        except Exception:  # pages count one themselves meanwhile
            logger.exception("the key-term background was not counted")

    def _alert(self, key: str, title: str, problem: str) -> None:
        try:
            with self.db.transaction() as session:
                raise_alert(
                    session,
                    kind="analysis_problem",
                    title=f"{title}：{problem}"[:500],
                    dedupe_key=f"{key}:{utcnow():%Y-%m-%d}",
                    detail={"problem": problem},
                    severity="high",
                )
        except Exception:  # the alert is a courtesy; the log line above is the record
            logger.exception("could not raise the analysis alert")

    def duties_now(self) -> None:
        """The wings' scheduled work: reminders, escalations, deliveries, daily drafts."""
        now = utcnow()
        for wing in (network_duties, desk_duties, report_duties):
            wing.run_duties(self.db, self.settings, now)

    def purge_now(self) -> PurgeReport:
        """Apply the retention policy; audited as ``retention_purge``."""
        policy = Policy.of(self.settings)
        return purge(self.db, policy, now=utcnow(), data_dir=self.settings.data_dir)

    def consumer(self, *, scheduler: bool = True, **options: Any) -> Consumer:
        """A consumer; only one per deployment should be the ``scheduler`` (it enqueues
        the periodic tasks), though the minute claims make a second one harmless."""
        options.setdefault("workers", self.settings.workers)
        options.setdefault("worker_type", "thread")
        options.setdefault("periodic", scheduler)
        return self.huey.create_consumer(**options)


def timed(name: str, work: Callable[[], T]) -> T:
    """Run a task, logging how long it took and what it returned (a count)."""
    started = time.monotonic()
    try:
        result = work()
    except Exception:
        logger.exception("task %s failed after %.2f s", name, time.monotonic() - started)
        metrics.TASKS.labels(task=name, outcome="failed").inc()
        raise
    seconds = time.monotonic() - started
    metrics.TASKS.labels(task=name, outcome="ok").inc()
    metrics.TASK_SECONDS.labels(task=name).observe(seconds)
    logger.info("task %s done in %.2f s: %s", name, seconds, _describe(result))
    return result


def _describe(result: object) -> str:
    if isinstance(result, int):
        return f"{result} items"
    if isinstance(result, list):
        return f"{len(result)} queued"
    return "ok"
