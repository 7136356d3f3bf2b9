"""Backup and restore as a portable file: gzip'd JSON lines, one row a line.

The same file restores into SQLite or PostgreSQL, so a deployment that outgrows
one box moves with ``yuqing backup`` on the old and ``yuqing restore`` on the new.
The search index and the hour figures are not stored; a restore rebuilds them from the items.

Secrets stay out unless asked for: logins (``web_sessions``) are not written, each
password hash is replaced by a mark no password matches, and password, secret and
token keys in source settings are blanked. After such a restore every account needs
``yuqing user passwd``; ``include_secrets=True`` (``yuqing backup --with-secrets``)
keeps them for a file the operator protects.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Date, DateTime, Table, Time, func, select, text, update
from sqlalchemy.types import TypeDecorator

from yuqing.errors import BadInput, StorageError
from yuqing.store import figures, search_index
from yuqing.store.db import Database
from yuqing.store.migrate import current_revision, head_revision, upgrade
from yuqing.store.models import Base

FORMAT = "yuqing-backup"
NO_PASSWORD = "!not-in-backup"  # not an argon2 hash: no password matches it
SECRET_TABLES = frozenset({"web_sessions"})
# Counted again from the items: the hour figures by the restore, the key terms'
# background by the next scheduled fold (a page counts one meanwhile).
DERIVED = frozenset({"hour_figures", "figure_changes", "term_backgrounds"})
SECRET_KEY = re.compile(r"password|passwd|secret|token|api_?key", re.IGNORECASE)
FORMAT_VERSION = 1
CHUNK = 2000

Progress = Callable[[str, int], None]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, Time):
        return lambda v: None if v is None else time.fromisoformat(v)
    return lambda v: v


def _tables() -> list[Table]:
    """The tables a backup holds: not the derived ones, which are counted again."""
    return [t for t in Base.metadata.sorted_tables if t.name not in DERIVED]


def _scrubbed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row without its secrets (see the module's notes)."""
    if table == "users":
        return {**row, "password_hash": NO_PASSWORD}
    if table == "sources" and isinstance(row.get("config"), dict):
        config = {k: "" if SECRET_KEY.search(k) else v for k, v in row["config"].items()}
        return {**row, "config": config}
    return row


def backup(
    db: Database,
    path: Path,
    progress: Progress | None = None,
    *,
    include_secrets: bool = False,
) -> dict[str, int]:
    """Write every row of every table to ``path``, without secrets unless
    ``include_secrets``; returns rows per table."""
    revision = current_revision(db)
    if revision != head_revision():
        raise StorageError("back up only an up-to-date database: run `yuqing init` first")
    counts: dict[str, int] = {}
    with gzip.open(path, "wt", encoding="utf-8") as out, db.engine.connect() as conn:
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "revision": revision,
            "secrets": include_secrets,
        }
        out.write(json.dumps(header) + "\n")
        for table in _tables():
            counts[table.name] = 0
            if table.name in SECRET_TABLES and not include_secrets:
                continue
            result = conn.execution_options(yield_per=CHUNK).execute(
                select(table).order_by(*table.primary_key.columns)
            )
            for row in result.mappings():
                values = dict(row) if include_secrets else _scrubbed(table.name, dict(row))
                record = {"t": table.name, "r": {k: _encode(v) for k, v in values.items()}}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[table.name] += 1
                if progress and counts[table.name] % CHUNK == 0:
                    progress(table.name, CHUNK)
    return counts


def _read(stream: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    first = stream.readline()
    try:
        header = json.loads(first)
    except json.JSONDecodeError as exc:
        raise BadInput("not a yuqing backup: the first line is not JSON") from exc
    if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
        raise BadInput("not a yuqing backup of a format this version reads")
    if header.get("revision") != head_revision():
        raise BadInput(
            f"backup is of schema {header.get('revision')}, this yuqing expects {head_revision()}"
        )
    for number, line in enumerate(stream, start=2):
        try:
            record = json.loads(line)
            yield record["t"], record["r"]
        except (json.JSONDecodeError, KeyError) as exc:
            raise BadInput(f"backup line {number} is damaged: {exc}") from exc


def restore(db: Database, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into an empty database (created or upgraded first)."""
    upgrade(db)
    tables = {t.name: t for t in _tables()}
    with db.engine.begin() as conn:
        for table in _tables():
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise StorageError(f"restore needs an empty database; table {table.name} has rows")
    counts: dict[str, int] = {}
    deferred: list[tuple[Table, dict[str, Any]]] = []
    with gzip.open(path, "rt", encoding="utf-8") as stream, db.transaction() as session:
        pending: dict[str, list[dict[str, Any]]] = {}
        for name, raw in _read(stream):
            if name not in tables:
                raise BadInput(f"backup names unknown table {name!r}")
            table = tables[name]
            row = {c.name: _decoder(c)(raw.get(c.name)) for c in table.columns}
            # Self-references are filled in after every row exists.
            for column in _self_references(table):
                if row[column] is not None:
                    deferred.append((table, {"id": row["id"], column: row[column]}))
                    row[column] = None
            if name not in pending:
                # The file holds tables parents first: a new table's rows may point at
                # the ones before it that have not filled a chunk yet, so they go first.
                for earlier, rows in pending.items():
                    _flush(session, tables[earlier], rows, counts, progress)
                pending = {}
            pending.setdefault(name, []).append(row)
            if len(pending[name]) >= CHUNK:
                _flush(session, table, pending.pop(name), counts, progress)
        for name, rows in pending.items():
            _flush(session, tables[name], rows, counts, progress)
        for table, values in deferred:
            key = values.pop("id")
            session.execute(update(table).where(table.c.id == key).values(**values))
        _reset_sequences(session, db)
        search_index.rebuild_index(session)
    figures.recount(db)  # the restored items marked every hour they are in
    return counts


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _flush(
    session: Any,
    table: Table,
    rows: list[dict[str, Any]],
    counts: dict[str, int],
    progress: Progress | None,
) -> None:
    session.execute(table.insert(), rows)
    counts[table.name] = counts.get(table.name, 0) + len(rows)
    if progress:
        progress(table.name, len(rows))


def _reset_sequences(session: Any, db: Database) -> None:
    """PostgreSQL identity sequences do not see explicit ids; move them past the max."""
    if db.is_sqlite:
        return
    for table in _tables():
        if "id" in table.c and table.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def accounts_without_password(db: Database) -> list[str]:
    """Usernames restored from a backup without secrets, which need a new password."""
    with db.reading() as session:
        users = Base.metadata.tables["users"]
        query = select(users.c.username).where(users.c.password_hash == NO_PASSWORD)
        return list(session.scalars(query.order_by(users.c.username)))
