"""judgement: the key-term background counted ahead by the scheduled analysis
(term_backgrounds), so no page request counts a sample of the stream

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "term_backgrounds",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "newest_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_term_backgrounds")),
    )


def downgrade() -> None:
    op.drop_table("term_backgrounds")
