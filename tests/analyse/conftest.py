"""Demo weeks for the analysis tests, loaded once per backend and copied into each
test's database (tests/prepared.py): loading one costs more than the analysis the tests
then run. And the models' figures on real data, computed once for the tests that hold
them to their floors."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from bench.eval_models import DEFAULT_DATA, evaluate_all
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


# tests/conftest.py hands test_models.py to one process, so one process computes them.
FIGURES_CACHE = Path(__file__).resolve().parents[2] / ".pytest_cache/yuqing/eval_models.json"


@pytest.fixture(scope="module")
def real_model_figures() -> dict[str, float]:
    """Every model's figures on ../shared/data. Five-fold CV of every model takes
    minutes on 2 cores: computed once per run, and cached on disk under a hash of the
    analysis code and the data, so a run without changes of either is free."""
    if not DEFAULT_DATA.is_dir():
        pytest.skip(f"evaluation data directory missing: {DEFAULT_DATA}")
    return evaluate_all(DEFAULT_DATA, folds=5, cache=FIGURES_CACHE)
