"""backup → restore gives identical rows, on either backend and across them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import Databases
from tests.store.fixtures import populate
from yuqing.errors import BadInput, StorageError
from yuqing.store.backup import backup, restore
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Base
from yuqing.store.search import ItemQuery, search_item_ids


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    with db.engine.connect() as conn:
        return {
            table.name: [
                dict(row)
                for row in conn.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sqlite", "sqlite"),
        ("postgresql", "postgresql"),
        ("sqlite", "postgresql"),
        ("postgresql", "sqlite"),
    ],
)
def test_backup_restore_round_trip(
    databases: Databases, tmp_path: Path, source: str, target: str
) -> None:
    original = databases.empty(source)
    upgrade(original)
    populate(original)
    path = tmp_path / "yuqing.backup.gz"
    counts = backup(original, path)
    assert counts["items"] == 3
    copy = databases.empty(target)
    restore(copy, path)
    assert snapshot(copy) == snapshot(original)
    with copy.reading() as session:
        assert len(search_item_ids(session, ItemQuery(text="昆都仑"))) == 2
    # new rows after a restore get fresh ids (PostgreSQL sequences moved past the max)
    populate_more(copy)


def populate_more(db: Database) -> None:
    from yuqing.store.models import Unit

    with db.transaction() as session:
        session.add(Unit(name="新单位", kind="town"))


def test_restore_refuses_a_database_with_rows(db: Database, tmp_path: Path) -> None:
    populate(db)
    path = tmp_path / "b.gz"
    backup(db, path)
    with pytest.raises(StorageError, match="empty database"):
        restore(db, path)


def test_restore_refuses_other_files(databases: Databases, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "junk.gz"
    with gzip.open(path, "wt") as f:
        f.write("hello\n")
    with pytest.raises(BadInput, match="not a yuqing backup"):
        restore(databases.empty("sqlite"), path)
