"""Alembic environment: always driven from yuqing.store.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from yuqing.store.migrate import is_managed
from yuqing.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=is_managed,
)
with context.begin_transaction():
    context.run_migrations()
