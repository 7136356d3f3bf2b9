"""A large desk, quickly: a demo desk's analysed items copied over and over in SQL.

Analysing a million items on two cores takes hours, so this takes a desk that
``yuqing demo`` built (a few thousand analysed items, their events, places, topics,
rule hits and claim matches) and doubles it until it holds --items: each round
copies every item with its analysis rows and its events, ids shifted past the
current maximum and publication times moved back, so that the copies spread
evenly over --days before the demo's week. Search-index rows are written for the
copies too. On PostgreSQL, restore the demo desk first (``yuqing backup
--with-secrets`` on the SQLite desk, ``yuqing restore`` into PostgreSQL).

How representative it is: the text, the mix of topics, sentiments, places, rules
and copies, and the events' sizes are the demo's, repeated; only the volume per
day grows (--items / --days a day). Texts repeat, so search hits repeat too (a
term in 1 % of the demo's items is in 1 % of the copies); triage statuses and
locks are copied as they were.

    .venv/bin/python -m bench.big_desk --database-url sqlite:///…/yuqing.db --items 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from functools import lru_cache

from rich.console import Console
from sqlalchemy import Connection, Table, create_engine, event, text

from yuqing.store.models import Base
from yuqing.store.search_grams import gram_tokens
from yuqing.store.search_index import ID_BITS

console = Console()

# Tables copied with their items, and which of their columns are ids or times to move.
ITEM_TABLES = ("item_places", "item_topics", "rule_hits", "claim_matches")
ITEM_IDS = {("items", "id"), ("items", "duplicate_of_id")}
EVENT_IDS = {("events", "id"), ("events", "merged_into_id"), ("items", "event_id")}
TIMES = {"items": ("published_at", "collected_at"), "events": ("first_seen", "last_seen")}


@lru_cache(maxsize=100_000)
def grams(text_norm: str) -> str:
    """The search index's grams of a text; copies repeat texts, so each is cut once."""
    return " ".join(gram_tokens(text_norm))


def shifted(dialect: str, column: str, seconds: int) -> str:
    """A time column moved back by whole seconds, in each backend's stored format."""
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': move the second, keep the fraction.
        return (
            f"CASE WHEN {column} IS NULL THEN NULL ELSE "
            f"datetime({column}, '-{seconds} seconds') || substr({column}, 20) END"
        )
    return f"{column} - interval '{seconds} seconds'"


def copy_sql(table: Table, dialect: str, seconds: int, where: str) -> str:
    """INSERT … SELECT of one table's rows with ids past the offsets and times moved back."""
    names, values = [], []
    for column in table.columns:
        name = column.name
        names.append(name)
        if name == "item_id" or (table.name, name) in ITEM_IDS:
            values.append(f"{name} + :item_off")
        elif (table.name, name) in EVENT_IDS:
            values.append(f"{name} + :event_off")
        elif table.name == "items" and name == "ingest_key":
            values.append(f"{name} || '#' || CAST(:item_off AS TEXT)")
        elif name in TIMES.get(table.name, ()):
            values.append(shifted(dialect, name, seconds))
        else:
            values.append(name)
    quoted = ", ".join(f'"{n}"' for n in names)
    return (
        f"INSERT INTO {table.name} ({quoted}) SELECT {', '.join(values)} FROM {table.name} {where}"
    )


def one_round(conn: Connection, dialect: str, seconds: int, limit: int) -> int:
    """Copy up to ``limit`` items (lowest ids first) with everything that hangs on them."""
    item_off = int(conn.scalar(text("SELECT max(id) FROM items")) or 0)
    event_off = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM events")) or 0)
    last = int(
        conn.scalar(
            text("SELECT max(id) FROM (SELECT id FROM items ORDER BY id LIMIT :n) AS firsts"),
            {"n": limit},
        )
        or 0
    )
    params = {"item_off": item_off, "event_off": event_off, "last": last}
    tables = Base.metadata.tables
    conn.execute(text(copy_sql(tables["events"], dialect, seconds, "")), params)
    conn.execute(text(copy_sql(tables["items"], dialect, seconds, "WHERE id <= :last")), params)
    for name in ITEM_TABLES:
        sql = copy_sql(tables[name], dialect, seconds, "WHERE item_id <= :last")
        conn.execute(text(sql), params)
    _index_copies(conn, dialect, seconds, params)
    return int(conn.scalar(text("SELECT count(*) FROM items WHERE id > :item_off"), params) or 0)


def _index_copies(conn: Connection, dialect: str, seconds: int, params: dict[str, int]) -> None:
    if dialect == "sqlite":
        # A contentless FTS5 table cannot be read back: the grams come from the items.
        conn.execute(
            text(
                "INSERT INTO item_search(rowid, grams) "
                f"SELECT (((CAST(strftime('%s', published_at) AS INTEGER)) << {ID_BITS}) | id), "
                "yuqing_grams(text_norm) FROM items WHERE id > :item_off"
            ),
            params,
        )
    else:
        conn.execute(
            text(
                "INSERT INTO item_search(item_id, published_at, tsv) "
                f"SELECT item_id + :item_off, {shifted(dialect, 'published_at', seconds)}, tsv "
                "FROM item_search WHERE item_id <= :last"
            ),
            params,
        )


def _register_grams(dbapi: sqlite3.Connection, _record: object) -> None:
    dbapi.create_function("yuqing_grams", 1, grams, deterministic=True)


def grow(url: str, items: int, days: float, on_round: Callable[[int, int], None]) -> int:
    """Double the desk until it holds ``items``; returns how many it holds."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        event.listen(engine, "connect", _register_grams)
    with engine.begin() as conn:
        base = int(conn.scalar(text("SELECT count(*) FROM items")) or 0)
    rounds, size = 0, base
    while size < items:
        rounds, size = rounds + 1, size * 2
    total = base
    for r in range(1, rounds + 1):
        # Round r moves its copies back by days·2^(r-1)/2^rounds: after all rounds the
        # copies sit at every multiple of days/2^rounds, an even spread over --days.
        seconds = int(days * 86400 * 2 ** (r - 1) / 2**rounds)
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.execute(text("PRAGMA foreign_keys=OFF"))
            total += one_round(conn, dialect, seconds, min(total, items - total))
        on_round(r, total)
    with engine.begin() as conn:
        if dialect == "postgresql":
            for table in ("items", "events"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a desk yuqing demo built")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=90.0, help="span the copies spread over")
    args = parser.parse_args()
    started = time.perf_counter()

    def progress(r: int, total: int) -> None:
        console.print(f"round {r}: {total:,} items ({time.perf_counter() - started:.0f} s)")

    total = grow(args.database_url, args.items, args.days, progress)
    console.print(f"{total:,} items in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
