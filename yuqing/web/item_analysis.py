"""What analysis found about one item, for its page (never any personal data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.claims import TIERS, tier_of
from yuqing.analyse.topics import Taxonomy
from yuqing.desk import triage
from yuqing.desk.corrections import NONE_MARK
from yuqing.store.models import (
    VERDICT_LABELS,
    Claim,
    ClaimMatch,
    Event,
    Item,
    ItemPlace,
    ItemTopic,
    RuleHit,
    User,
    WatchRule,
)
from yuqing.store.types import utcnow
from yuqing.text.pii import KINDS as PII_KINDS
from yuqing.web.overview_data import Count, sentiment_label

EMOTION_LABELS = {
    "happy": "喜悦",
    "angry": "愤怒",
    "sad": "悲伤",
    "fear": "恐惧",
    "surprise": "惊讶",
    "neutral": "平静",
}
ORIGIN_LABELS = {"seeds": "关键词", "seed": "关键词", "model": "模型", "analyst": "人工"}
DUPLICATE_LABELS = {"exact": "完全相同", "near": "高度相似"}
MATCH_LABELS = {"candidate": "待核对", "confirmed": "已确认", "rejected": "已排除"}
VERDICTS = {str(verdict): label for verdict, label in VERDICT_LABELS.items()}


@dataclass(frozen=True)
class TopicTag:
    topic: str
    score: float
    origin: str  # 关键词 / 模型 / 人工
    explain: str = ""  # "模型 0.87" / "关键词 涨价、一斤" / "人工"


@dataclass(frozen=True)
class ClaimCandidate:
    claim_id: int
    text: str
    verdict: str  # 谣言 / 误导 / 属实 / 待核实
    score: float
    status: str  # 待核对 / 已确认 / 已排除
    tier: str = ""  # 高度匹配 / 可能相关


@dataclass(frozen=True)
class ItemAnalysis:
    analysed: bool
    topics: list[TopicTag]
    sentiment: str
    sentiment_score: float | None
    emotion: str
    places: list[str]
    is_local: bool
    duplicate_of_id: int | None
    duplicate_kind: str
    copy_count: int
    event: tuple[int, str] | None  # id, title
    rules: list[str]
    claims: list[ClaimCandidate]
    privacy_lead: bool
    pii: list[Count]  # kinds of personal data removed and how many; never the data
    misinfo_risk: float | None = None  # a triage hint from a trained model, never a verdict
    analyst_topics: bool = False  # an analyst set the topics


def item_analysis(
    session: Session, item: Item, seeds: Mapping[str, Sequence[str]] | None = None
) -> ItemAnalysis:
    """What analysis made of one item, in the desk's words; ``seeds`` is the configured
    taxonomy (settings.topics), whose seed words explain a tag."""
    topics = session.execute(
        select(ItemTopic.topic, ItemTopic.score, ItemTopic.origin)
        .where(ItemTopic.item_id == item.id)
        .order_by(ItemTopic.score.desc(), ItemTopic.topic)
    ).all()
    places = session.scalars(
        select(ItemPlace.name).where(ItemPlace.item_id == item.id).order_by(ItemPlace.code)
    ).all()
    rules = session.scalars(
        select(WatchRule.name)
        .join(RuleHit, RuleHit.rule_id == WatchRule.id)
        .where(RuleHit.item_id == item.id)
        .order_by(WatchRule.name)
    ).all()
    event = session.get(Event, item.event_id) if item.event_id else None
    return ItemAnalysis(
        analysed=bool(item.analysed_stages),
        topics=_topic_tags(item.text_norm, [(t, s, o) for t, s, o in topics], seeds),
        sentiment=sentiment_label(item.sentiment),
        sentiment_score=item.sentiment_score,
        emotion=EMOTION_LABELS.get(item.emotion or "", item.emotion or "—"),
        places=list(places),
        is_local=item.is_local,
        duplicate_of_id=item.duplicate_of_id,
        duplicate_kind=DUPLICATE_LABELS.get(item.duplicate_kind or "", item.duplicate_kind or ""),
        copy_count=item.copy_count,
        event=(event.id, event.title) if event else None,
        rules=list(rules),
        claims=_claims(session, item.id),
        privacy_lead=item.privacy_lead,
        pii=[
            Count(k, PII_KINDS.get(k, k), int(n)) for k, n in sorted((item.pii or {}).items()) if n
        ],
        misinfo_risk=item.misinfo_risk,
        analyst_topics=any(o == "analyst" for _t, _s, o in topics),
    )


def _topic_tags(
    text: str, rows: list[tuple[str, float, str]], seeds: Mapping[str, Sequence[str]] | None
) -> list[TopicTag]:
    """Each tag with its source: the model's score, the seed words that hit, or 人工."""
    taxonomy = Taxonomy.from_mapping(seeds) if seeds else Taxonomy.default()
    found = {hit.topic: hit.seeds for hit in taxonomy.tag(text)} if rows else {}
    tags: list[TopicTag] = []
    for topic, score, origin in rows:
        if topic == NONE_MARK:
            continue
        words = "、".join(found.get(topic, ())[:3])
        if origin == "model":
            explain = f"模型 {score:.2f}" + (f" · 关键词 {words}" if words else "")
        elif origin == "analyst":
            explain = "人工"
        else:
            explain = f"关键词 {words}" if words else f"关键词 {score:.2f}"
        tags.append(TopicTag(topic, round(score, 2), ORIGIN_LABELS.get(origin, origin), explain))
    return tags


def _claims(session: Session, item_id: int) -> list[ClaimCandidate]:
    rows = session.execute(
        select(Claim.id, Claim.text, Claim.verdict, ClaimMatch.score, ClaimMatch.status)
        .join(ClaimMatch, ClaimMatch.claim_id == Claim.id)
        .where(ClaimMatch.item_id == item_id)
        .order_by(ClaimMatch.rank, ClaimMatch.score.desc())
    ).all()
    return [
        ClaimCandidate(
            i,
            text,
            VERDICTS.get(v, v),
            round(score, 2),
            MATCH_LABELS.get(status, status),
            TIERS[tier_of(score)],
        )
        for i, text, v, score, status in rows
    ]


def item_triage(session: Session, item: Item, user_id: int) -> dict[str, object]:
    """What the item page's triage panel shows: the lock, notes, choices."""
    live = item.locked_by_id is not None and item.locked_until is not None
    live = live and item.locked_until is not None and item.locked_until > utcnow()
    holder = session.get(User, item.locked_by_id) if live and item.locked_by_id else None
    return {
        "holder": holder.display_name if holder else None,
        "mine": bool(holder and holder.id == user_id),
        "notes": triage.notes(session, item.id),
        "statuses": triage.STATUSES,
        "severities": triage.SEVERITIES,
    }
