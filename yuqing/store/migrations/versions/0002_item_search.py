"""Chinese full-text search index over items (character bigrams), filled from existing rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yuqing.store import search

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BACKFILL_BATCH = 5000


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
    """Index the items a database already holds, in batches by id."""
    from sqlalchemy.orm import Session

    from yuqing.store.types import UTCDateTime

    items = sa.table(
        "items",
        sa.column("id", sa.BigInteger()),
        sa.column("published_at", UTCDateTime()),
        sa.column("text_norm", sa.Text()),
    )
    session = Session(bind=bind)
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(items.c.id, items.c.published_at, items.c.text_norm)
            .where(items.c.id > last_id)
            .order_by(items.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            break
        search.index_items(
            session, (search.IndexRow(r.id, r.published_at, r.text_norm) for r in rows)
        )
        last_id = rows[-1].id


def downgrade() -> None:
    op.drop_table("item_search")
