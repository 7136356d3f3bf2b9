"""desk: triage locks and views, case replies by mail, fact-check publication, alert delivery

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", JSON, server_default="[]", nullable=False))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("department_id", existing_type=ID, nullable=True)
        batch_op.add_column(sa.Column("target", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("case_replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_case_replies_external_id"), ["external_id"]
        )

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("log", JSON, server_default="[]", nullable=False))
        batch_op.create_unique_constraint(
            "uq_deliveries_alert_subscription", ["alert_id", "subscription_id"]
        )

    op.create_table(
        "triage_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_triage_notes_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_triage_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_notes")),
    )
    op.create_index(op.f("ix_triage_notes_item_id"), "triage_notes", ["item_id"], unique=False)

    op.create_table(
        "saved_views",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_views_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_views")
    op.drop_index(op.f("ix_triage_notes_item_id"), table_name="triage_notes")
    op.drop_table("triage_notes")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_deliveries_alert_subscription", type_="unique")
        batch_op.drop_column("log")
    with op.batch_alter_table("case_replies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_case_replies_external_id"), type_="unique")
        batch_op.drop_column("external_id")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("target")
        batch_op.alter_column("department_id", existing_type=ID, nullable=False)
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("tags")
