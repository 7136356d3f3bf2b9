"""Migration 0014 redacts what was stored before redaction covered it (issue 15,
findings 5, 16, 17): export columns in items.meta.extra, item tags, non-http
links, desk notes and audit details written by 0008-era code."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from tests.conftest import Databases
from yuqing.store.migrate import upgrade
from yuqing.store.models import AuditEntry, Item, TriageNote

PHONE = "13800138000"
T = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_redacts_rows_stored_raw(databases: Databases, backend: str) -> None:
    db = databases.empty(backend)
    upgrade(db, "0008")
    with db.transaction() as session:
        for n, (url, meta, tags) in enumerate(
            [
                ("javascript:alert(1)", {"extra": {"手机": PHONE, "粉丝": 3}}, [f"回访{PHONE}"]),
                ("https://weibo.com/1/A", {"import": {"file": "a.csv"}}, ["待核实"]),
            ]
        ):
            session.add(
                Item(
                    ingest_key=f"k{n}",
                    content_hash=f"h{n}",
                    url=url,
                    text_original="正文",
                    text_norm="正文",
                    published_at=T,
                    collected_at=T,
                    meta=meta,
                    tags=tags,
                )
            )
        session.flush()
        first = session.scalars(select(Item.id).order_by(Item.id)).first()
        session.add(TriageNote(item_id=first, body=f"电话{PHONE}"))
    with db.engine.begin() as conn:  # as old code wrote it, past today's listener
        conn.execute(
            text("INSERT INTO audit_log (at, action, detail) VALUES (:t, 'x', :d)"),
            {"t": T.replace(tzinfo=None), "d": json.dumps({"note": f"call {PHONE}"})},
        )
    upgrade(db)
    with db.reading() as session:
        items = session.scalars(select(Item).order_by(Item.id)).all()
        assert items[0].url is None and items[1].url == "https://weibo.com/1/A"
        assert items[0].meta == {"extra": {"手机": "[手机号已隐去]", "粉丝": 3}}
        assert items[0].tags == ["回访[手机号已隐去]"] and items[1].tags == ["待核实"]
        assert session.scalars(select(TriageNote.body)).one() == "电话[手机号已隐去]"
        assert session.scalars(select(AuditEntry.detail)).one() == {"note": "call [手机号已隐去]"}
