"""The demo plays the desk's loop: rumour matched, verified, routed, answered, clarified.

Everything goes through the desk's services, as the pages would call them. Alerts are
delivered to a local outbox file (data_dir/alerts-outbox.jsonl): the demo sends no mail.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from yuqing.config import Settings
from yuqing.demo.scenario import Scenario
from yuqing.desk import cases, factchecks, publication, triage
from yuqing.desk.delivery import deliver
from yuqing.desk.subscriptions import subscribe
from yuqing.store.db import Database
from yuqing.store.models import Claim, ClaimMatch, Item, Unit, User
from yuqing.store.types import utcnow

HEALTH = "市卫生健康委员会"
RESPONDER = "responder_health"
ANALYST = "analyst"


def _user(db: Database, username: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise LookupError(f"the demo has no user {username}")
    return found


def _rumour(db: Database) -> tuple[int, int, str] | None:
    """The best-scored candidate match of an original item with a false claim."""
    with db.reading() as session:
        row = session.execute(
            select(ClaimMatch.item_id, ClaimMatch.claim_id, Claim.text)
            .join(Claim, Claim.id == ClaimMatch.claim_id)
            .join(Item, Item.id == ClaimMatch.item_id)
            .where(
                ClaimMatch.status == "candidate",
                Claim.verdict == "false",
                Item.duplicate_of_id.is_(None),
            )
            .order_by(ClaimMatch.score.desc(), ClaimMatch.item_id)
            .limit(1)
        ).first()
    return (row[0], row[1], row[2]) if row else None


def play(db: Database, settings: Settings, scenario: Scenario) -> list[str]:
    """Play this part of the demo on a loaded, analysed desk; returns lines to print."""
    found = _rumour(db)
    if found is None:
        return ["desk loop: no rumour matched a claim this week; nothing to play"]
    item_id, claim_id, claim_text = found
    analyst, responder = _user(db, ANALYST), _user(db, RESPONDER)
    lines = [f"desk loop: item #{item_id} matches the claim “{claim_text}”"]
    with db.transaction() as session:
        triage.take_lock(session, item_id, analyst)
        factchecks.decide_match(session, analyst, item_id, claim_id, confirm=True)
        triage.set_status(session, [item_id], "verified", analyst)
        triage.set_severity(session, [item_id], "major", analyst)
        triage.release_lock(session, item_id, analyst)
        health = session.scalar(select(Unit.id).where(Unit.name == HEALTH))
        assert health is not None, "the demo city has a health commission"
        case = cases.open_case(
            session,
            analyst,
            title=f"网传“{claim_text}”，请核实并答复",
            department_id=health,
            deadline=utcnow() + timedelta(days=2),
            item_id=item_id,
        )
        case_id = case.id
    lines.append(f"  analyst confirmed the match, verified the item, opened case #{case_id}")
    with db.transaction() as session:
        viewer = cases.viewer_for(session, responder)
        answer = f"经核实，“{claim_text}”的说法不实，已会同相关单位说明。"
        cases.reply(session, viewer, case_id, answer, folder=settings.data_dir)
        cases.close_case(session, analyst, case_id, "部门已答复，发布澄清")
        claim = factchecks.get_claim(session, claim_id)
        if not claim.published:
            factchecks.publish(session, analyst, claim_id)
    lines.append(f"  {HEALTH} replied; case #{case_id} closed; clarification #{claim_id} published")
    with db.reading() as session:
        feed = publication.published(session)
    lines.append(f"  public feed /clarifications/feed.xml now lists {len(feed)} clarifications")
    lines.append(_deliver(db, settings, scenario, analyst))
    return lines


def _deliver(db: Database, settings: Settings, scenario: Scenario, analyst: int) -> str:
    outbox = settings.data_dir / "alerts-outbox.jsonl"
    with db.transaction() as session:
        made = subscribe(
            session,
            None,
            user_id=analyst,
            channel="outbox",
            target=str(outbox),
            settings={"per_hour": 20},
        )
        made.created_at = scenario.start  # hear of the week's alerts, not only new ones
    now = utcnow()
    run = deliver(db, settings, now, fresh=now - scenario.start)
    return (
        f"  alerts: {run.sent} delivered to {outbox.name}, {run.postponed} postponed by the "
        f"hourly limit (see 预警 → 推送记录)"
    )
