"""source failures and health index, e-mailed report ids, quarantine fingerprints, item emotion

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("field_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_field_reports_external_id"), ["external_id"]
        )

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_quarantine_fingerprint"), ["fingerprint"], unique=False
        )

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emotion", sa.String(length=20), nullable=True))

    # Source health counts a source's recent items.
    op.create_index("ix_items_source_collected", "items", ["source_id", "collected_at"])


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_fingerprint"))
        batch_op.drop_column("fingerprint")
    op.drop_index("ix_items_source_collected", table_name="items")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("emotion")

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("consecutive_failures")

    with op.batch_alter_table("field_reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_field_reports_external_id"), type_="unique")
        batch_op.drop_column("external_id")
