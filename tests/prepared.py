"""Test databases filled once per test process and copied into each test's empty one.

Filling goes through yuqing's real paths, and some are slow by design: every account
costs an argon2 hash (0.2-0.4 s here), a demo week hundreds of tallies through the
network wing. A fixture that fills the same rows for every test fills them once per
backend into a database of its own; each test then gets a copy, row for row, in its
usual migrated and emptied database: on SQLite the file's pages (SQLite's backup), on
PostgreSQL every table and sequence. The copy never goes through yuqing's code, so a
test reads exactly what the filling wrote.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Base

if TYPE_CHECKING:
    from tests.conftest import Databases

T = TypeVar("T")
NOT_COPIED = frozenset({"alembic_version"})  # the target is migrated already


class Prepared:
    """Filled databases by name and backend, and what their filling returned."""

    def __init__(self, databases: Databases) -> None:
        self.databases = databases
        self.filled: dict[tuple[str, str], tuple[Database, Any]] = {}

    def copy_into(self, db: Database, name: str, fill: Callable[[Database], T]) -> T:
        """Fill the empty, migrated ``db`` with what ``fill`` writes into an empty
        database; returns what ``fill`` returned (ids stay the same in every copy)."""
        key = (name, db.dialect)
        if key not in self.filled:
            source = self.databases.empty(db.dialect)
            upgrade(source)
            made = fill(source)
            source.dispose()  # nothing of the filling left open while copies are read
            self.filled[key] = (source, made)
        source, made = self.filled[key]
        if db.is_sqlite:
            _copy_sqlite(source, db)
        else:
            _copy_postgresql(source, db)
        result: T = made
        return result


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
        # The rows the schema's own triggers wrote (figure_changes, say) are copied with
        # the rest, so the triggers stay quiet while the copy goes in (table owners may).
        triggered = _tables_with_triggers(conn)
        for name in triggered:
            conn.exec_driver_sql(f'ALTER TABLE "{name}" DISABLE TRIGGER USER')
        for name in tables:
            conn.exec_driver_sql(
                f'INSERT INTO "{name}" OVERRIDING SYSTEM VALUE SELECT * FROM "{schema}"."{name}"'
            )
        for name in triggered:
            conn.exec_driver_sql(f'ALTER TABLE "{name}" ENABLE TRIGGER USER')
        for name, last_value in sequences:
            conn.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": last_value})


def _tables_with_triggers(conn: Connection) -> list[str]:
    """Tables of the connection's schema with triggers of their own (not constraints')."""
    return list(
        conn.scalars(
            text(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                " ORDER BY c.relname"
            )
        )
    )
