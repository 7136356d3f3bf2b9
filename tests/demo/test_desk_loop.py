"""The demo plays the desk loop on its own week: match, verify, case, reply, clarify, deliver."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from yuqing.config import load_settings
from yuqing.demo import desk_loop
from yuqing.demo.live import DEMO_CITY_CODE, analyse_demo, load_live
from yuqing.demo.scenario import build_scenario
from yuqing.store.db import Database
from yuqing.store.models import AuditEntry, Case, CaseReply, Claim, ClaimMatch, Delivery


def test_the_demo_plays_the_whole_desk_loop(sqlite_db: Database, tmp_path: Path) -> None:
    scenario = build_scenario(seed=11, items=600)
    loaded, server = load_live(
        sqlite_db,
        scenario,
        folder=tmp_path,
        secret="d" * 32,
        password="demo-password",
        tz=ZoneInfo("Asia/Shanghai"),
    )
    server.shutdown()
    server.server_close()
    assert loaded.items.stored == 600
    analyse_demo(sqlite_db, scenario, [DEMO_CITY_CODE], lambda _n: None)
    settings = load_settings(data_dir=tmp_path, secret_key="d" * 32)
    lines = desk_loop.play(sqlite_db, settings, scenario)
    assert "matches the claim" in lines[0], lines
    with sqlite_db.reading() as session:
        (case,) = session.scalars(select(Case)).all()
        assert case.status == "closed" and case.item_id is not None
        assert session.scalar(select(CaseReply.case_id)) == case.id
        match = session.get(ClaimMatch, (case.item_id, _claim_of(session, case.item_id)))
        assert match is not None and match.status == "confirmed"
        assert session.scalar(select(Claim.published).where(Claim.id == match.claim_id))
        assert session.scalars(select(Delivery.status)).all()
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "claim_match.confirmed",
        "item.status",
        "case.open",
        "case.reply",
        "case.close",
        "claim.publish",
    } <= actions
    outbox = tmp_path / "alerts-outbox.jsonl"
    assert outbox.exists()
    assert all(
        json.loads(line)["title"] for line in outbox.read_text(encoding="utf-8").splitlines()
    )


def _claim_of(session: object, item_id: int) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    claim = session.scalar(
        select(ClaimMatch.claim_id).where(
            ClaimMatch.item_id == item_id, ClaimMatch.status == "confirmed"
        )
    )
    assert claim is not None
    return claim
