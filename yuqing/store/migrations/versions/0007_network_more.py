"""network: when a unit was made inactive, so that it stops being expected from then on

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Units made inactive before this column existed keep it NULL: when they stopped is
    # unknown, so compliance treats them as never expected (as it did before).
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")
