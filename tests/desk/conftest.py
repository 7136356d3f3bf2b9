"""A small desk on each backend: a city, two departments, desk users and responders, items."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.prepared import Prepared
from yuqing.config import Settings, load_settings
from yuqing.network.people import Grant, add_unit, add_user
from yuqing.store.db import Database
from yuqing.store.models import Claim, ClaimMatch, Item, Role
from yuqing.text import matching_form

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class World:
    db: Database
    analyst: int
    analyst2: int
    signer: int
    responder_health: int
    responder_market: int
    health: int
    market: int
    items: list[int]
    claim: int


def add_item(db: Database, text: str, n: int, **fields: object) -> int:
    with db.transaction() as session:
        item = Item(
            ingest_key=f"k{n}",
            content_hash=f"h{n}",
            url=f"https://weibo.example/post/{n}",
            text_original=text,
            text_norm=matching_form(text),
            published_at=T0 + timedelta(hours=n),
            collected_at=T0 + timedelta(hours=n),
            **fields,
        )
        session.add(item)
        session.flush()
        return item.id


@pytest.fixture
def world(db: Database, prepared: Prepared) -> World:
    """The desk on ``db``; filled once per backend, copied per test (ids are the same)."""
    made = prepared.copy_into(db, "desk-world", fill_world)
    return replace(made, db=db, items=list(made.items))  # a list of its own per test


def fill_world(db: Database) -> World:
    with db.transaction() as session:
        city = add_unit(session, "测试市", "city", code="990100")
        health = add_unit(session, "市卫生健康委员会", "department", parent=city)
        market = add_unit(session, "市市场监督管理局", "department", parent=city)

        def user(name: str, role: Role, unit: int | None = None) -> int:
            return add_user(
                session,
                name,
                PASSWORD,
                email=f"{name}@gov.example",
                grants=[Grant(role, unit)],
            ).id

        ids = {
            "analyst": user("analyst", Role.ANALYST),
            "analyst2": user("analyst2", Role.ANALYST),
            "signer": user("signer", Role.SIGNER),
            "responder_health": user("responder_health", Role.RESPONDER, health.id),
            "responder_market": user("responder_market", Role.RESPONDER, market.id),
        }
        claim = Claim(
            text="喝醋能预防新冠", text_norm=matching_form("喝醋能预防新冠"), verdict="false"
        )
        session.add(claim)
        session.flush()
        claim_id, health_id, market_id = claim.id, health.id, market.id
    items = [
        add_item(db, "听说喝醋能预防新冠，大家快去买醋", 1, topic="谣言"),
        add_item(db, "超市口罩价格上涨，一包要五十元", 2, topic="物价"),
        add_item(db, "名单泄露：张某某 电话[手机号] 住址[地址]", 3, privacy_lead=True),
    ]
    with db.transaction() as session:
        session.add(ClaimMatch(item_id=items[0], claim_id=claim_id, score=0.8, rank=1))
    return World(db, health=health_id, market=market_id, items=items, claim=claim_id, **ids)


@pytest.fixture
def desk_settings(tmp_path: object) -> Settings:
    return load_settings(
        data_dir=tmp_path, secret_key="t" * 32, privacy_channel="privacy@platform.example"
    )
