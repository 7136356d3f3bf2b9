"""desk: events are triaged like items (the who-is-working lock, notes on events)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_by_id", ID, nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_events_locked_by_id_users"),
            "users",
            ["locked_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # A note belongs to an item or to an event, so item_id may now be empty.
    with op.batch_alter_table("triage_notes", schema=None) as batch_op:
        batch_op.alter_column("item_id", existing_type=ID, nullable=True)
        batch_op.add_column(sa.Column("event_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_triage_notes_event_id_events"),
            "events",
            ["event_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_triage_notes_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_notes_event_id"))
        batch_op.drop_constraint(batch_op.f("fk_triage_notes_event_id_events"), type_="foreignkey")
        batch_op.drop_column("event_id")
    op.execute("DELETE FROM triage_notes WHERE item_id IS NULL")
    with op.batch_alter_table("triage_notes", schema=None) as batch_op:
        batch_op.alter_column("item_id", existing_type=ID, nullable=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_locked_by_id_users"), type_="foreignkey")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("locked_by_id")
