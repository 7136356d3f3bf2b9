"""Schema versions: init creates and upgrades without losing rows; models match migrations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from tests.conftest import Databases
from yuqing.errors import StorageError
from yuqing.store import figures
from yuqing.store.migrate import (
    current_revision,
    head_revision,
    is_managed,
    require_current,
    upgrade,
)
from yuqing.store.models import Base, FigureChange
from yuqing.store.search import ItemQuery, search_item_ids

BACKENDS = ["sqlite", "postgresql"]


@pytest.mark.parametrize("backend", BACKENDS)
# SQLAlchemy cannot reflect an expression index (the triage queue's) on SQLite; Alembic
# leaves such indexes out of the comparison on both sides.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_match_migrations(databases: Databases, backend: str) -> None:
    db = databases.empty(backend)
    upgrade(db)
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": is_managed}), Base.metadata
        )
    # PostgreSQL reads the queue's expression back in its own words (casts added), which
    # Alembic takes for another index; test_the_page_indexes_exist checks it instead.
    diff = [d for d in diff if not (d[0].endswith("_index") and d[1].name == "ix_items_queue")]
    assert diff == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_page_indexes_exist(databases: Databases, backend: str) -> None:
    """Including the queue's expression index, which the comparison above cannot see."""
    db = databases.empty(backend)
    upgrade(db)
    names = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if backend == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with db.engine.connect() as conn:
        found = set(conn.scalars(text(names)))
    assert {"ix_items_queue", "ix_events_active", "ix_items_duplicate_of_id"} <= found


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_previous_revision_keeps_rows_and_indexes_them(
    databases: Databases, backend: str
) -> None:
    db = databases.empty(backend)
    upgrade(db, "0001")
    assert current_revision(db) == "0001"
    with pytest.raises(StorageError):
        require_current(db)
    published = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    # as each backend stores it (SQLite: SQLAlchemy's text, with microseconds)
    stored: object = published.replace(tzinfo=None)
    if backend == "sqlite":
        stored = published.strftime("%Y-%m-%d %H:%M:%S.%f")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (id, name, kind, config, interval_seconds, enabled, "
                "allow_private, is_public_outlet, weight, created_at) VALUES "
                "(7, '青岚日报', 'rss', '{}', 3600, true, false, true, 1.0, :t)"
            ),
            {"t": stored},
        )
        conn.execute(
            text(
                "INSERT INTO items (source_id, ingest_key, kind, content_hash, text_original, "
                "text_norm, lang, script, author_is_outlet, published_at, collected_at, meta, "
                "likes, reposts, comments, views, is_local, heat, pii, privacy_lead, copy_count, "
                "event_pinned, analysed_stages, status, created_at) VALUES "
                "(7, :key, 'post', 'h', :text, :text, 'zh', 'hans', false, :t, :t, '{}', "
                "0, 0, 0, 0, false, 0, '{}', false, 0, false, 0, 'new', :t)"
            ),
            [
                {"key": "k1", "text": "昆都仑区核酸检测", "t": stored},
                {"key": "k2", "text": "口罩", "t": stored},
            ],
        )
    upgrade(db)  # what `yuqing init` does
    assert current_revision(db) == head_revision()
    require_current(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM items")).scalar_one() == 2
        # rebuilding altered tables must not fire ON DELETE SET NULL on the rows above
        assert conn.execute(text("SELECT DISTINCT source_id FROM items")).scalars().all() == [7]
    with db.reading() as session:
        assert len(search_item_ids(session, ItemQuery(text="检测"))) == 1
        assert len(search_item_ids(session, ItemQuery(text="口"))) == 1
        # the items' hour is marked for counting, and read from the items meanwhile
        assert session.scalars(select(FigureChange.hour)).all() == ["2026-11-16 02"]
        day = (published.replace(hour=1), published.replace(hour=23))
        assert (
            figures.totals(session, "sentiment", figures.split(session, *day))["unanalysed"].items
            == 2
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_twice_is_harmless(databases: Databases, backend: str) -> None:
    db = databases.empty(backend)
    upgrade(db)
    upgrade(db)
    assert current_revision(db) == head_revision()


def test_sqlite_runs_in_wal_with_foreign_keys(databases: Databases) -> None:
    db = databases.empty("sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
