"""Shared fixtures: every storage test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``YUQING_TEST_DATABASE_URL`` when it is set, otherwise from a
private server that this session starts with ``pgserver``. If neither works the
tests fail loudly; they never skip.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.prepared import Prepared
from yuqing.analyse.boundaries import use_desk_boundaries
from yuqing.store.db import Database, normalise_url
from yuqing.store.migrate import upgrade
from yuqing.store.models import Base

# Property tests are derandomised (a fixed seed per test) and untimed, so they never
# fail by chance or on a busy machine; HYPOTHESIS_PROFILE=explore searches afresh.
# The local HTTP servers' request lines: a handler a test has stopped waiting for may
# log after pytest closed the captured stream ("I/O operation on closed file").
logging.getLogger("werkzeug").setLevel(logging.WARNING)

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BACKENDS = ("sqlite", "postgresql")
_backend_results: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server for the whole run."""
    given = os.environ.get("YUQING_TEST_DATABASE_URL")
    if given:
        yield normalise_url(given)
        return
    import pgserver

    folder = tempfile.mkdtemp(prefix="yuqing-pg-")
    server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
    try:
        yield normalise_url(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


class Databases:
    """Makes empty databases of either backend; drops them at the end."""

    def __init__(self, pg_url: str, tmp: Path) -> None:
        self.pg_url = pg_url
        self.tmp = tmp
        self.schemas: list[str] = []
        self.opened: list[Database] = []

    def empty(self, backend: str) -> Database:
        if backend == "sqlite":
            db = Database(f"sqlite:///{self.tmp / (uuid.uuid4().hex + '.db')}")
        else:
            schema = "yuqing_t_" + uuid.uuid4().hex[:12]
            admin = Database(self.pg_url)
            with admin.engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            self.schemas.append(schema)
            url = make_url(self.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
            db = Database(url.render_as_string(hide_password=False))
        self.opened.append(db)
        return db

    def close(self) -> None:
        for db in self.opened:
            db.dispose()
        if self.schemas:
            admin = Database(self.pg_url)
            with admin.engine.begin() as conn:
                for schema in self.schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture(scope="session")
def databases(pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    maker = Databases(pg_server_url, tmp_path_factory.mktemp("db"))
    yield maker
    maker.close()


@pytest.fixture(autouse=True)
def _packaged_boundaries_after() -> Iterator[None]:
    """A test that took a desk's map boundaries into use (an app, the demo) leaves the
    process drawing with the packaged ones, as the next test expects."""
    yield
    use_desk_boundaries(None)


@pytest.fixture(scope="session")
def _migrated(databases: Databases) -> dict[str, Database]:
    """One migrated database per backend, emptied between tests."""
    made = {}
    for backend in BACKENDS:
        db = databases.empty(backend)
        upgrade(db)
        made[backend] = db
    return made


@pytest.fixture(scope="session")
def prepared(databases: Databases) -> Prepared:
    """Rows many tests start from, filled once per backend and copied (tests/prepared.py)."""
    return Prepared(databases)


def empty_tables(db: Database) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("INSERT INTO item_search(item_search) VALUES ('delete-all')")
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for name in reversed(tables):
                conn.exec_driver_sql(f'DELETE FROM "{name}"')
            conn.exec_driver_sql("DELETE FROM figure_changes")  # marked by the deletes above
            if _has_sequence(conn):
                conn.exec_driver_sql("DELETE FROM sqlite_sequence")
        else:
            names = ", ".join(f'"{n}"' for n in [*tables, "item_search"])
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def _has_sequence(conn: Any) -> bool:
    row = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first()
    return row is not None


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, _migrated: dict[str, Database]) -> Iterator[Database]:
    """A migrated, empty database on each backend in turn."""
    database = _migrated[request.param]
    empty_tables(database)
    yield database


@pytest.fixture
def sqlite_db(_migrated: dict[str, Database]) -> Iterator[Database]:
    database = _migrated["sqlite"]
    empty_tables(database)
    yield database


# Files whose tests share a module fixture that takes seconds to minutes to build: with
# pytest-xdist each goes whole to one process, so the fixture is built once, and, as a
# unit of many tests, early. Every other test is handed out on its own, as with
# `--dist load`. (pytest-xdist's own `xdist_group` marks do nothing under pytest 9.)
ONE_PROCESS_FILES = frozenset(
    {
        "tests/analyse/test_models.py",  # every model's figures on real data
        "tests/browser/test_demo_pages.py",  # a demo desk served for six roles
        "tests/demo/test_load.py",  # a live-loaded demo week per backend
        "tests/demo/test_scenario.py",  # a 5,000-item scenario
        "tests/web/test_overview.py",  # an analysed demo week
    }
)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class OneProcessFiles(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path in ONE_PROCESS_FILES else nodeid

    return OneProcessFiles(config, log)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    for backend in BACKENDS:
        if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid:
            _backend_results[(backend, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _backend_results:
        return
    terminalreporter.section("storage and search tests by database backend")
    for backend in BACKENDS:
        counts = {o: n for (b, o), n in _backend_results.items() if b == backend}
        terminalreporter.write_line(
            f"{backend:>10}: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
        )


def pytest_report_header(config: pytest.Config) -> str:
    given = os.environ.get("YUQING_TEST_DATABASE_URL")
    where = (
        f"YUQING_TEST_DATABASE_URL={given}" if given else "a private server started with pgserver"
    )
    return f"yuqing storage tests: SQLite files and PostgreSQL ({where})"
