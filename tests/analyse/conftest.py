"""Loaded demo weeks for the analysis tests, copied rather than loaded again.

Loading a week goes through the real paths (18 accounts, each an argon2 hash; hundreds
of tallies through the network wing) and costs more than the analysis the tests then
run. Each (backend, seed, items) week is loaded once per test process into a database
of its own, and each test gets a copy of it, row for row, in its usual empty database:
on SQLite the file's pages (SQLite's backup), on PostgreSQL every table and sequence.
The copy never goes through yuqing's code, so what a test analyses is exactly what
the loader wrote.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import Databases
from yuqing.demo.desk_setup import seed_desk
from yuqing.demo.load import load_scenario
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Base

SECRET = "a" * 32
PASSWORD = "demo-password"
NOT_COPIED = frozenset({"alembic_version"})  # the target is migrated already


@dataclass
class LoadedWeeks:
    """Demo weeks loaded once per backend, handed out as copies."""

    databases: Databases
    loaded: dict[tuple[str, int, int], Database] = field(default_factory=dict)

    def copy_into(self, db: Database, *, seed: int, items: int) -> Database:
        """Fill the empty, migrated ``db`` with the week of ``seed`` and ``items``."""
        source = self._loaded(db.dialect, seed, items)
        if db.is_sqlite:
            _copy_sqlite(source, db)
        else:
            _copy_postgresql(source, db)
        return db

    def _loaded(self, backend: str, seed: int, items: int) -> Database:
        key = (backend, seed, items)
        if key not in self.loaded:
            db = self.databases.empty(backend)
            upgrade(db)
            scenario = build_scenario(seed=seed, items=items)
            load_scenario(db, scenario, secret=SECRET, password=PASSWORD)
            with db.transaction() as session:
                seed_desk(session, scenario.start.date())
            db.dispose()  # nothing of the loader's left open while copies are read
            self.loaded[key] = db
        return self.loaded[key]


def _copy_sqlite(source: Database, target: Database) -> None:
    # The target's pooled connections go first, so none keeps pages from before.
    target.dispose()
    with (
        closing(sqlite3.connect(_sqlite_path(source))) as src,
        closing(sqlite3.connect(_sqlite_path(target))) as dst,
    ):
        src.backup(dst)


def _sqlite_path(db: Database) -> str:
    path = make_url(db.url).database
    assert path, f"{db!r} is not a SQLite file"
    return path


def _copy_postgresql(source: Database, target: Database) -> None:
    with source.engine.connect() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
        present = set(
            conn.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            )
        )
        sequences = conn.execute(
            text(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = :s AND last_value IS NOT NULL"
            ),
            {"s": schema},
        ).all()
    source.dispose()
    # Parents first; item_search (outside the models) points at items only.
    tables = [t.name for t in Base.metadata.sorted_tables] + ["item_search"]
    missing = present - NOT_COPIED - set(tables)
    assert not missing, f"tables the copy does not know about: {sorted(missing)}"
    with target.engine.begin() as conn:
        for name in tables:
            conn.exec_driver_sql(
                f'INSERT INTO "{name}" OVERRIDING SYSTEM VALUE SELECT * FROM "{schema}"."{name}"'
            )
        for name, last_value in sequences:
            conn.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": last_value})


@pytest.fixture(scope="session")
def loaded_weeks(databases: Databases) -> LoadedWeeks:
    return LoadedWeeks(databases)
