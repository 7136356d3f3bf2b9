"""The triage queue's index: originals by status and severity rank, hottest and newest
first, so that a queue page is a few index seeks (see yuqing.desk.queue_keyset); the
copies' index leaves originals out, so that SQLite's planner (which takes IS NULL for
the few rows per original) no longer prefers it for "the originals"; the events active in a period are read from the newest end
(last_seen) instead of every event that began before the period ended.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# As in yuqing.desk.queue_keyset.SEVERITY_RANK_SQL (copied: a migration stays as written).
RANK = "(CASE WHEN severity = 'serious' THEN 0 WHEN severity = 'major' THEN 1 ELSE 2 END)"
ORIGINALS = sa.text("duplicate_of_id IS NULL")
COPIES = sa.text("duplicate_of_id IS NOT NULL")
STANDING = sa.text("merged_into_id IS NULL")


def upgrade() -> None:
    op.drop_index("ix_items_duplicate_of_id", table_name="items")
    op.create_index(
        "ix_items_duplicate_of_id",
        "items",
        ["duplicate_of_id"],
        sqlite_where=COPIES,
        postgresql_where=COPIES,
    )
    op.create_index(
        "ix_items_queue",
        "items",
        ["status", sa.text(RANK), "heat", "published_at", "id"],
        sqlite_where=ORIGINALS,
        postgresql_where=ORIGINALS,
    )

    op.create_index(
        "ix_events_active",
        "events",
        ["last_seen", "first_seen", "heat", "id"],
        sqlite_where=STANDING,
        postgresql_where=STANDING,
    )


def downgrade() -> None:
    op.drop_index("ix_events_active", table_name="events")
    op.drop_index("ix_items_queue", table_name="items")
    op.drop_index("ix_items_duplicate_of_id", table_name="items")
    op.create_index("ix_items_duplicate_of_id", "items", ["duplicate_of_id"])
