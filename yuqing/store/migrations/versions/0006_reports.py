"""reports: a covering index for the aggregates over a time window

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WINDOW_COVER = [
    "published_at",
    "sentiment",
    "topic",
    "is_local",
    "event_id",
    "source_id",
    "unit_id",
    "duplicate_of_id",
    "heat",
]


def upgrade() -> None:
    op.create_index("ix_items_window_cover", "items", WINDOW_COVER, unique=False)


def downgrade() -> None:
    op.drop_index("ix_items_window_cover", table_name="items")
