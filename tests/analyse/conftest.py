"""Demo weeks for the analysis tests, loaded once per backend and copied into each
test's database (tests/prepared.py): loading one costs more than the analysis the tests
then run."""

from __future__ import annotations

from functools import partial

from tests.prepared import Prepared
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database


def load_week(db: Database, *, seed: int, items: int) -> None:
    scenario = build_scenario(seed=seed, items=items)
    load_scenario(db, scenario, secret="a" * 32, password="demo-password")
    with db.transaction() as session:
        seed_desk(session, scenario.start.date())


def week_copy(prepared: Prepared, db: Database, *, seed: int, items: int) -> Database:
    """``db`` holding the loaded demo week of ``seed`` and ``items``."""
    prepared.copy_into(db, f"demo-week-{seed}-{items}", partial(load_week, seed=seed, items=items))
    return db
