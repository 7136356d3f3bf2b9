"""Create and upgrade the schema with Alembic, from inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from yuqing.errors import StorageError
from yuqing.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database"] = db
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), keeping every row."""
    config = alembic_config(db)
    with db.engine.connect() as conn:
        if db.is_sqlite:
            # SQLite rebuilds a table to alter it; with foreign keys on, dropping the old
            # copy would fire ON DELETE actions on the rows that point at it.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if db.is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(f"upgrade left broken references: {broken[:5]}")
        finally:
            if db.is_sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def require_current(db: Database) -> None:
    """Refuse to run against a database that `yuqing init` has not brought up to date."""
    current = current_revision(db)
    if current != head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise StorageError(f"the database is {state}; run `yuqing init` to create or upgrade it")


def is_managed(name: str | None, type_: str, _parent: object = None) -> bool:
    """Alembic's filter: the search index's tables are created by hand, not from models."""
    return not (type_ == "table" and name is not None and name.startswith("item_search"))
