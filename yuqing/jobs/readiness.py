"""Readiness: can this deployment do its work right now? Each check really runs —
a query on the database, a call to the queue — and reports what it found."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from huey import Huey
from sqlalchemy import text

from yuqing.jobs.metrics import DatabaseFigures
from yuqing.store.db import Database

LAG_WARNING_SECONDS = 15 * 60  # analysis this far behind makes the answer "degraded"


@dataclass
class Readiness:
    ready: bool  # database and queue answer: the desk can work
    status: str  # ok, degraded (working, but behind or with failing sources) or down
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)


def check(db: Database, huey: Huey, figures: DatabaseFigures) -> Readiness:
    checks: dict[str, dict[str, Any]] = {}
    checks["database"] = _timed(lambda: _database(db))
    checks["queue"] = _timed(lambda: _queue(huey))
    if checks["database"]["ok"]:
        f = figures.figures()
        checks["analysis"] = {
            "ok": f.lag_seconds < LAG_WARNING_SECONDS,
            "lag_seconds": round(f.lag_seconds, 1),
            "pending": f.pending,
        }
        checks["sources"] = {"ok": f.failing_sources == 0, "failing": f.failing_sources}
    ready = checks["database"]["ok"] and checks["queue"]["ok"]
    degraded = not all(c["ok"] for c in checks.values())
    status = "down" if not ready else "degraded" if degraded else "ok"
    return Readiness(ready, status, checks)


def _database(db: Database) -> dict[str, Any]:
    with db.reading() as session:
        session.execute(text("SELECT 1")).scalar_one()
    return {}


def _queue(huey: Huey) -> dict[str, Any]:
    return {"pending_tasks": huey.pending_count()}


def _timed(probe: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        found = probe()
    except Exception as exc:  # any failure of the probe is the answer
        return {"ok": False, "error": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **found}
