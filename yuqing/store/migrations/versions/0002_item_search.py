"""Chinese full-text search index over items (character bigrams), filled from existing rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yuqing.store import search_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Contentless: the grams live only in the index, the text stays in items.
        op.execute(
            "CREATE VIRTUAL TABLE item_search USING fts5("
            "grams, content='', tokenize='ascii', prefix='1')"
        )
    else:
        op.create_table(
            "item_search",
            sa.Column(
                "item_id",
                sa.BigInteger(),
                sa.ForeignKey("items.id", ondelete="CASCADE", name="fk_item_search_item_id_items"),
                primary_key=True,
            ),
            sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("tsv", sa.dialects.postgresql.TSVECTOR(), nullable=False),
        )
        op.create_index("ix_item_search_tsv", "item_search", ["tsv"], postgresql_using="gin")
        op.create_index("ix_item_search_published", "item_search", ["published_at"])
    _backfill(bind)


def _backfill(bind: sa.Connection) -> None:
    """Index the items a database already holds."""
    from sqlalchemy.orm import Session

    search_index.rebuild_index(Session(bind=bind))


def downgrade() -> None:
    op.drop_table("item_search")
