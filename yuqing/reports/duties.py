"""What the reports wing does on the schedule, every minute: daily drafts when a window closes."""

from __future__ import annotations

from datetime import datetime

from yuqing.config import Settings
from yuqing.store.db import Database


def run_duties(db: Database, settings: Settings, now: datetime) -> None:
    """Do whatever has fallen due by ``now`` (UTC); safe to call again."""
