"""data: redact what was stored before redaction covered it — export columns kept
in items.meta.extra, desk texts (case titles, descriptions, outcomes, replies,
triage notes, item tags) and audit details; item links that are not http(s)
are dropped. No schema change; rows are rewritten only where something changes.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
BATCH = 500


def upgrade() -> None:
    from yuqing.collect.ingest import web_link
    from yuqing.text.typed import typed, typed_detail

    def optional(value: Any) -> Any:
        return typed(value) if isinstance(value, str) and value else value

    def extra(meta: Any) -> Any:
        if not isinstance(meta, dict) or not isinstance(meta.get("extra"), dict):
            return meta
        return {**meta, "extra": typed_detail(meta["extra"])}

    def tags(value: Any) -> Any:
        return [typed(t) for t in value] if isinstance(value, list) else value

    _rewrite("items", {"url": web_link, "meta": extra, "tags": tags}, json={"meta", "tags"})
    _rewrite("cases", {"title": optional, "description": optional, "outcome": optional})
    _rewrite("case_replies", {"body": optional})
    _rewrite("triage_notes", {"body": optional})
    _rewrite("audit_log", {"detail": typed_detail}, json={"detail"})


def downgrade() -> None:
    """Redaction cannot be undone; the schema is unchanged."""


def _rewrite(
    table_name: str, fixes: dict[str, Callable[[Any], Any]], json: Collection[str] = ()
) -> None:
    columns = [sa.column(name, JSON if name in json else sa.Text) for name in fixes]
    table = sa.table(table_name, sa.column("id", sa.BigInteger), *columns)
    conn = op.get_bind()
    for rows in _batches(conn, table, [*fixes]):
        for row in rows:
            changed = {
                name: fixed
                for name, fix in fixes.items()
                if (fixed := fix(getattr(row, name))) != getattr(row, name)
            }
            if changed:
                conn.execute(table.update().where(table.c.id == row.id).values(**changed))


def _batches(conn: Any, table: Any, names: list[str]) -> Iterator[list[Any]]:
    last = None
    while True:
        query = sa.select(table.c.id, *(table.c[n] for n in names)).order_by(table.c.id)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = conn.execute(query.limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id
