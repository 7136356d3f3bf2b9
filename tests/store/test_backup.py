"""backup → restore gives identical rows, on either backend and across them."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import Databases
from tests.store.fixtures import populate
from yuqing.errors import BadInput, StorageError
from yuqing.network.people import check_password, hash_password, set_password
from yuqing.store import figures
from yuqing.store.backup import accounts_without_password, backup, restore
from yuqing.store.db import Database
from yuqing.store.migrate import upgrade
from yuqing.store.models import Base, Source, User, WebSession
from yuqing.store.search import ItemQuery, search_item_ids
from yuqing.store.types import utcnow


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, the hour figures counted up to date first (a restore
    counts them again from the restored items)."""
    figures.recount(db)
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
    counts = backup(original, path, include_secrets=True)
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


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_a_backup_leaves_secrets_out_by_default(
    databases: Databases, tmp_path: Path, target: str
) -> None:
    original = databases.empty("sqlite")
    upgrade(original)
    populate(original)
    with original.transaction() as session:
        officer = session.scalars(select(User)).first()
        assert officer is not None
        session.add(WebSession(token_hash="f" * 64, user_id=officer.id, expires_at=utcnow()))
        session.add(Source(name="信箱", kind="mailbox", config={"host": "h", "password": "pw1"}))
        officer.password_hash = hash_password("the officer's passphrase")
        stored_hash = officer.password_hash
    path = tmp_path / "plain.backup.gz"
    counts = backup(original, path)
    assert counts["web_sessions"] == 0
    written = gzip.decompress(path.read_bytes()).decode()
    assert stored_hash not in written and "f" * 64 not in written and "pw1" not in written
    copy = databases.empty(target)
    restore(copy, path)
    assert accounts_without_password(copy) == [officer.username]
    with copy.transaction() as session:
        restored = session.scalar(select(User).where(User.username == officer.username))
        assert restored is not None and not check_password(restored, "anything at all 1")
        mailbox = session.scalar(select(Source).where(Source.name == "信箱"))
        assert mailbox is not None and mailbox.config == {"host": "h", "password": ""}
        set_password(session, officer.username, "a fresh passphrase 9")
    assert accounts_without_password(copy) == []
    rest = {
        k: v
        for k, v in snapshot(original).items()
        if k not in ("users", "web_sessions", "sources", "audit_log")
    }
    assert {k: v for k, v in snapshot(copy).items() if k in rest} == rest


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
