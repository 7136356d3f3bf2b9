"""The ``tag_items`` task: any worker process computes a handed-out chunk's per-text
stages with a warm context of its own and writes them back (see
``yuqing.analyse.shared_fold``).

A process keeps one tagging context, apart from the fold's, and one lock around
the taggers: their caches are not for two threads at once, and on CPython two
threads tagging at once would only take turns anyway. Several processes (or
machines) are what tag in parallel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from yuqing.analyse.context import AnalysisContext
from yuqing.analyse.shared_fold import Sharing, tag_chunk
from yuqing.analyse.topics import Taxonomy
from yuqing.analyse.warm import WarmContext
from yuqing.config import Settings
from yuqing.store import leases
from yuqing.store.db import Database

logger = logging.getLogger(__name__)


class Tagging:
    """One process's tagging: the warm context, the lock and the task body."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.warm = WarmContext(
            jurisdiction=list(settings.jurisdiction),
            models_dir=settings.data_dir / "models",
            taxonomy=Taxonomy.from_mapping(settings.topics) if settings.topics else None,
        )
        self._lock = threading.Lock()

    def tag_items(self, chunk_id: int, token: str) -> int:
        """Tag one chunk here; returns how many items' tags were written."""

        def context() -> AnalysisContext:
            with self._lock, self.db.reading() as session:
                return self.warm.context(session)

        written = tag_chunk(
            self.db,
            context,
            chunk_id,
            token,
            worker=leases.holder_id(),
            seconds=self.settings.analysis_chunk_seconds,
            guard=self._lock,
        )
        logger.info("tagging: chunk %d, %d items written", chunk_id, written)
        return written

    def sharing(self, enqueue: Callable[[int, str], object], holder: str) -> Sharing:
        """How this deployment's fold hands out chunks through ``enqueue``."""
        return Sharing(
            enqueue=lambda d: enqueue(d.chunk_id, d.token),
            tag_here=lambda d: self.tag_items(d.chunk_id, d.token),
            worker=holder,
            chunk_items=self.settings.analysis_chunk_items,
            chunk_seconds=float(self.settings.analysis_chunk_seconds),
            queue_seconds=float(self.settings.analysis_queue_seconds),
        )
