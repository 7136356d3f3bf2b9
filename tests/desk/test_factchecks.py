"""Fact-checks: the library, analysts' match decisions, publication as HTML data, JSON and Atom,
and alerts when a published false claim shows up again."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from tests.desk.conftest import World, add_item
from yuqing.desk import factchecks, publication
from yuqing.desk.factchecks import ClaimText
from yuqing.errors import BadInput
from yuqing.store.models import Alert, ClaimMatch, Item
from yuqing.store.types import utcnow

TZ = ZoneInfo("Asia/Shanghai")
ATOM = "{http://www.w3.org/2005/Atom}"
TEXT = ClaimText("喝醋能预防新冠", "false", "醋不能杀灭体内病毒。", "市卫生健康委员会")


def test_publishing_needs_a_clarification_and_an_authority(world: World) -> None:
    with world.db.transaction() as session:
        with pytest.raises(BadInput, match="澄清内容和权威来源"):
            factchecks.publish(session, world.analyst, world.claim)
        factchecks.update_claim(session, world.analyst, world.claim, TEXT)
        factchecks.publish(session, world.analyst, world.claim)
    with world.db.reading() as session:
        (public,) = publication.published(session)
    assert (public.claim, public.verdict_label, public.authority) == (
        "喝醋能预防新冠",
        "谣言",
        "市卫生健康委员会",
    )


def test_clarifications_are_redacted_before_they_can_be_published(world: World) -> None:
    with world.db.transaction() as session:
        claim = factchecks.create_claim(
            session,
            world.analyst,
            ClaimText("某小区封控", "misleading", "请联系 13812345678 咨询", "区指挥部"),
        )
        assert "13812345678" not in (claim.clarification or "")


def test_the_feed_and_json_carry_published_claims_only(world: World) -> None:
    with world.db.transaction() as session:
        factchecks.update_claim(session, world.analyst, world.claim, TEXT)
        factchecks.publish(session, world.analyst, world.claim)
        factchecks.create_claim(session, world.analyst, ClaimText("未发布的说法", "false"))
    with world.db.reading() as session:
        items = publication.published(session)
    data = publication.as_json(items, "https://desk.example", "辟谣")
    assert [c["claim"] for c in data["clarifications"]] == ["喝醋能预防新冠"]
    assert set(data["clarifications"][0]) == {
        "id",
        "claim",
        "verdict",
        "verdict_label",
        "clarification",
        "authority",
        "source_url",
        "published_at",
        "url",
    }
    feed = etree.fromstring(publication.atom_feed(items, "https://desk.example", "辟谣", utcnow()))
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "【谣言】喝醋能预防新冠"
    assert entry.findtext(f"{ATOM}summary") == "醋不能杀灭体内病毒。"


@given(st.text(min_size=1, max_size=80))
def test_any_text_makes_a_well_formed_feed(text: str) -> None:
    clean = "".join(c for c in text if c.isprintable()) or "x"
    item = publication.Clarification(1, clean, "false", "谣言", clean, clean, None, utcnow())
    feed = etree.fromstring(publication.atom_feed([item], "https://d.example", clean, utcnow()))
    assert feed.findtext(f"{ATOM}entry/{ATOM}summary") == clean


def test_confirming_and_rejecting_matches(world: World) -> None:
    with world.db.transaction() as session:
        factchecks.decide_match(session, world.analyst, world.items[0], world.claim, confirm=True)
        factchecks.decide_match(session, world.analyst, world.items[1], world.claim, confirm=False)
    with world.db.reading() as session:
        matches = {
            m.item_id: (m.status, m.decided_by_id) for m in session.scalars(select(ClaimMatch))
        }
        ((_, confirmed),) = factchecks.list_claims(session)
    assert matches == {
        world.items[0]: ("confirmed", world.analyst),
        world.items[1]: ("rejected", world.analyst),
    }
    assert confirmed == 1


def test_new_matches_of_a_published_false_claim_raise_one_alert_a_day(world: World) -> None:
    with world.db.transaction() as session:
        factchecks.update_claim(session, world.analyst, world.claim, TEXT)
        factchecks.publish(session, world.analyst, world.claim)
    now = utcnow()
    with world.db.transaction() as session:
        assert factchecks.raise_match_alerts(session, now, TZ) == 0  # old items do not count
    fresh = add_item(world.db, "喝醋真的能预防新冠吗", 9)
    with world.db.transaction() as session:
        session.add(ClaimMatch(item_id=fresh, claim_id=world.claim, score=0.7, rank=1))
        item = session.get(Item, fresh)
        assert item is not None
        item.collected_at = now + timedelta(seconds=1)
    with world.db.transaction() as session:
        assert factchecks.raise_match_alerts(session, now + timedelta(minutes=1), TZ) == 1
        assert factchecks.raise_match_alerts(session, now + timedelta(minutes=2), TZ) == 0
        (alert,) = session.scalars(select(Alert)).all()
    assert alert.kind == "claim_match" and alert.detail["item_id"] == fresh


def test_a_weak_candidate_of_a_published_claim_raises_no_alert(world: World) -> None:
    with world.db.transaction() as session:
        factchecks.update_claim(session, world.analyst, world.claim, TEXT)
        factchecks.publish(session, world.analyst, world.claim)
    now = utcnow()
    fresh = add_item(world.db, "喝醋真的能预防新冠吗", 10)
    with world.db.transaction() as session:
        session.add(ClaimMatch(item_id=fresh, claim_id=world.claim, score=0.3, rank=2))  # 可能相关
        item = session.get(Item, fresh)
        assert item is not None
        item.collected_at = now + timedelta(seconds=1)
    with world.db.transaction() as session:
        assert factchecks.raise_match_alerts(session, now + timedelta(minutes=1), TZ) == 0
        factchecks.decide_match(session, world.analyst, fresh, world.claim, confirm=True)
    with world.db.transaction() as session:
        assert factchecks.raise_match_alerts(session, now + timedelta(minutes=2), TZ) == 1
