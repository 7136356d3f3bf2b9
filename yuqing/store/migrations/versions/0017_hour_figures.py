"""desk: the overview's figures kept per UTC hour (hour_figures), and the hours whose
figures changed since they were counted (figure_changes), marked by triggers on
items, item_places, rule_hits and claim_matches so that every writer is covered

Every hour that holds items is marked changed here; the next analysis run counts
them (the overview reads marked hours from the items meanwhile).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# As in yuqing.store.figures.hour_of (copied: a migration stays as written).
SQLITE_HOUR = "substr({}.published_at, 1, 13)"
PG_HOUR = "to_char({}.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
CHILDREN = ("item_places", "rule_hits", "claim_matches")


def upgrade() -> None:
    op.create_table(
        "hour_figures",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("hour", sa.String(13), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("local", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("kind", "hour", "key", name=op.f("pk_hour_figures")),
    )
    op.create_table(
        "figure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.String(13), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_changes")),
    )
    op.create_index(op.f("ix_figure_changes_hour"), "figure_changes", ["hour"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
        hour = PG_HOUR.format("items")
    else:
        _sqlite_triggers()
        hour = SQLITE_HOUR.format("items")
    op.execute(f"INSERT INTO figure_changes (hour) SELECT DISTINCT {hour} FROM items")


# ---------------------------------------------------------------- SQLite: row triggers


def _sqlite_mark(hour: str) -> str:
    """Mark an hour once: SQLite has one writer at a time, so a mark that exists stays
    until the recount that reads it, within the same write transaction."""
    return (
        f"INSERT INTO figure_changes (hour) SELECT {hour} "
        f"WHERE NOT EXISTS (SELECT 1 FROM figure_changes WHERE hour = {hour});"
    )


def _sqlite_mark_item(item_id: str) -> str:
    hour = SQLITE_HOUR.format("i")
    return (
        f"INSERT INTO figure_changes (hour) SELECT {hour} FROM items i WHERE i.id = {item_id} "
        f"AND NOT EXISTS (SELECT 1 FROM figure_changes c WHERE c.hour = {hour});"
    )


def _sqlite_triggers() -> None:
    new, old = SQLITE_HOUR.format("NEW"), SQLITE_HOUR.format("OLD")
    counted = ("sentiment", "topic", "is_local", "published_at")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in counted)
    op.execute(
        f"CREATE TRIGGER figures_items_added AFTER INSERT ON items BEGIN {_sqlite_mark(new)} END"
    )
    op.execute(
        f"CREATE TRIGGER figures_items_removed AFTER DELETE ON items BEGIN {_sqlite_mark(old)} END"
    )
    op.execute(
        f"CREATE TRIGGER figures_items_changed AFTER UPDATE OF {', '.join(counted)} ON items "
        f"WHEN {changed} BEGIN {_sqlite_mark(old)} {_sqlite_mark(new)} END"
    )
    for table in CHILDREN:
        when = " WHEN OLD.status IS NOT NEW.status" if table == "claim_matches" else ""
        op.execute(
            f"CREATE TRIGGER figures_{table}_added AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_mark_item('NEW.item_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER figures_{table}_removed AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_mark_item('OLD.item_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER figures_{table}_changed AFTER UPDATE ON {table}{when} "
            f"BEGIN {_sqlite_mark_item('OLD.item_id')} {_sqlite_mark_item('NEW.item_id')} END"
        )


# ---------------------------------------------------------------- PostgreSQL: statement triggers


def _pg_trigger(name: str, table: str, event: str, referencing: str, body: str) -> None:
    """One function and its statement trigger. Marks are never skipped when one
    exists: under concurrent writers, a mark read by a recount in progress may be
    deleted by it, so each statement adds its own (the recount clears them)."""
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO figure_changes (hour) {body}; RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )


def _postgresql_triggers() -> None:
    new_hour, old_hour = PG_HOUR.format("n"), PG_HOUR.format("o")
    counted = ("sentiment", "topic", "is_local", "published_at")
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in counted)
    _pg_trigger(
        "figures_items_added",
        "items",
        "INSERT",
        "NEW TABLE AS n",
        f"SELECT DISTINCT {new_hour} FROM n",
    )
    _pg_trigger(
        "figures_items_removed",
        "items",
        "DELETE",
        "OLD TABLE AS o",
        f"SELECT DISTINCT {old_hour} FROM o",
    )
    _pg_trigger(
        "figures_items_changed",
        "items",
        "UPDATE",
        "OLD TABLE AS o NEW TABLE AS n",
        f"SELECT {old_hour} FROM o JOIN n USING (id) WHERE {changed} "
        f"UNION SELECT {new_hour} FROM o JOIN n USING (id) WHERE {changed}",
    )
    item_hour = PG_HOUR.format("i")
    for table in CHILDREN:
        added = f"SELECT DISTINCT {item_hour} FROM n JOIN items i ON i.id = n.item_id"
        removed = f"SELECT DISTINCT {item_hour} FROM o JOIN items i ON i.id = o.item_id"
        if table == "claim_matches":
            changed_rows = (
                "SELECT o.item_id FROM o JOIN n USING (item_id, claim_id) "
                "WHERE o.status IS DISTINCT FROM n.status"
            )
        else:
            changed_rows = "SELECT item_id FROM o UNION SELECT item_id FROM n"
        _pg_trigger(f"figures_{table}_added", table, "INSERT", "NEW TABLE AS n", added)
        _pg_trigger(f"figures_{table}_removed", table, "DELETE", "OLD TABLE AS o", removed)
        _pg_trigger(
            f"figures_{table}_changed",
            table,
            "UPDATE",
            "OLD TABLE AS o NEW TABLE AS n",
            f"SELECT DISTINCT {item_hour} FROM items i WHERE i.id IN ({changed_rows})",
        )


def downgrade() -> None:
    tables = {"items": "items", **{t: t for t in CHILDREN}}
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        for what in ("added", "removed", "changed"):
            name = f"figures_{table}_{what}"
            if postgresql:
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_figure_changes_hour"), table_name="figure_changes")
    op.drop_table("figure_changes")
    op.drop_table("hour_figures")
