"""Watch rules kept in the web: save (parsed first), enable or disable, whether a
burst of its hits raises an alert, a live preview against stored items, and the hits
of stored items recorded when a rule is saved (new items are matched by analysis)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from yuqing.analyse.rules import Rule
from yuqing.desk.audit import audit
from yuqing.desk.rule_search import rule_matches
from yuqing.errors import BadInput, Conflict, NotFound
from yuqing.store.models import Item, RuleHit, Subscription, WatchRule
from yuqing.store.search import ItemQuery
from yuqing.store.types import utcnow

SAMPLES = 10
PREVIEW_SCAN = 5_000
MAX_NAME = 200
# Alert kinds a rule's bursts are delivered as.
RULE_ALERT_KINDS = ("spike", "rule_hit")


@dataclass(frozen=True)
class RuleRow:
    rule: WatchRule
    hits: int


@dataclass(frozen=True)
class Preview:
    scanned: int
    matched: int
    capped: bool
    samples: list[Item]
    terms: list[str]
    canonical: str


def rules(session: Session) -> list[RuleRow]:
    counts = dict(
        session.execute(select(RuleHit.rule_id, func.count()).group_by(RuleHit.rule_id)).all()
    )
    return [
        RuleRow(r, int(counts.get(r.id, 0)))
        for r in session.scalars(select(WatchRule).order_by(WatchRule.name))
    ]


def preview(session: Session, query: str, limit: int = PREVIEW_SCAN) -> Preview:
    """How many of the latest ``limit`` items the rule matches, and some of them.
    Raises QueryError (with its position) if the rule does not parse."""
    rule = Rule.parse(query)
    found = rule_matches(session, rule, ItemQuery(), limit)
    ids = found.ids[:SAMPLES]
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
    return Preview(
        found.scanned,
        len(found.ids),
        found.capped,
        [items[i] for i in ids if i in items],
        rule.terms(),
        rule.explain(),
    )


def save_rule(
    session: Session,
    actor_id: int,
    *,
    name: str,
    query: str,
    rule_id: int | None = None,
    raises_alert: bool = True,
) -> tuple[WatchRule, int]:
    """Create or change a rule; its hits among stored items are recorded afresh.
    Returns the rule and how many stored items it hit."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise BadInput(f"规则名称应为 1–{MAX_NAME} 个字")
    parsed = Rule.parse(query)
    clash = session.scalar(select(WatchRule.id).where(WatchRule.name == name))
    if clash is not None and clash != rule_id:
        raise Conflict(f"已有名为“{name}”的规则")
    rule = session.get(WatchRule, rule_id) if rule_id else WatchRule(owner_id=actor_id)
    if rule is None:
        raise NotFound(f"规则 {rule_id} 不存在")
    rule.name, rule.query, rule.raises_alert = name, query.strip(), raises_alert
    session.add(rule)
    session.flush()
    hit = _record_hits(session, rule, parsed)
    audit(session, actor_id, "rule.save", "rule", rule.id, name=name, query=rule.query, hits=hit)
    return rule, hit


def _record_hits(session: Session, rule: WatchRule, parsed: Rule) -> int:
    session.execute(delete(RuleHit).where(RuleHit.rule_id == rule.id))
    found = rule_matches(session, parsed, ItemQuery())
    now = utcnow()
    session.add_all(RuleHit(rule_id=rule.id, item_id=i, matched_at=now) for i in found.ids)
    session.flush()
    return len(found.ids)


def set_enabled(session: Session, actor_id: int, rule_id: int, enabled: bool) -> None:
    rule = session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound(f"规则 {rule_id} 不存在")
    rule.enabled = enabled
    audit(session, actor_id, "rule.active", "rule", rule_id, enabled=enabled)


def routed_to(session: Session) -> list[Subscription]:
    """Enabled subscriptions a rule's alerts reach (all kinds, or a rule kind)."""
    found = session.scalars(select(Subscription).where(Subscription.enabled.is_(True))).all()
    return [s for s in found if not s.kinds or set(s.kinds) & set(RULE_ALERT_KINDS)]
