"""Everything an analysis run needs, built once: taggers, models, rules, claims."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.claim_training import Decision, LibraryClaim, train_reranker
from yuqing.analyse.claims import ClaimMatcher
from yuqing.analyse.dedupe import NearDuplicateIndex
from yuqing.analyse.desk_sentiment import DeskSentiment
from yuqing.analyse.events import EventClusterer
from yuqing.analyse.gazetteer import Gazetteer
from yuqing.analyse.model_files import load_task
from yuqing.analyse.models import TextModel
from yuqing.analyse.places import PlaceTagger
from yuqing.analyse.polarity import PolarityModel
from yuqing.analyse.rules import Rule
from yuqing.analyse.topic_model import TopicModel
from yuqing.analyse.topics import Taxonomy, TopicTagger
from yuqing.store.models import Claim, ClaimMatch, Item, Unit, WatchRule

MAX_DECISIONS = 5000  # latest analyst decisions on claim matches the reranker learns from
# Unit kinds the gazetteer takes as places (schools, enterprises and departments are not).
UNIT_LEVELS = {
    kind: kind for kind in ("city", "district", "county", "town", "street", "village", "community")
}


@dataclass
class AnalysisContext:
    places: PlaceTagger
    topics: TopicTagger
    sentiment: DeskSentiment
    rules: list[tuple[int, Rule]]
    claims: ClaimMatcher | None
    # 200,000 remembered posts (about 0.5 GB) reach back further than the dedupe window.
    dedupe: NearDuplicateIndex = field(default_factory=lambda: NearDuplicateIndex(capacity=200_000))
    events: EventClusterer = field(default_factory=EventClusterer)
    tag_cache: dict[str, Any] = field(default_factory=dict)  # text → TextTags
    misinfo: TextModel | None = None  # a triage hint (misinfo_risk), never a verdict


def model_path(models_dir: Path, task: str) -> Path:
    return models_dir / f"{task}.joblib"


def build_context(
    session: Session,
    *,
    jurisdiction: Iterable[str] = (),
    models_dir: Path | None = None,
    taxonomy: Taxonomy | None = None,
) -> AnalysisContext:
    """Taggers over the national gazetteer plus the deployment's own coded units, the
    trained models when the desk has trained them, the enabled rules, the claims."""
    gazetteer = Gazetteer.load()
    gazetteer.add_local(_local_units(session, gazetteer))
    topic_model = load_task(models_dir, "topics")
    polarity_model = load_task(models_dir, "polarity")
    emotion_model = load_task(models_dir, "emotion")
    misinfo_model = load_task(models_dir, "misinfo")
    return AnalysisContext(
        places=PlaceTagger(gazetteer, jurisdiction=list(jurisdiction)),
        topics=TopicTagger(
            taxonomy or Taxonomy.default(),
            model=topic_model if isinstance(topic_model, TopicModel | TextModel) else None,
        ),
        sentiment=DeskSentiment(
            polarity=polarity_model if isinstance(polarity_model, PolarityModel) else None,
            emotion=emotion_model if isinstance(emotion_model, TextModel) else None,
        ),
        misinfo=misinfo_model if isinstance(misinfo_model, TextModel) else None,
        rules=[
            (rule.id, Rule.parse(rule.query))
            for rule in session.scalars(select(WatchRule).where(WatchRule.enabled))
        ],
        claims=_claims(session),
    )


def _local_units(session: Session, gazetteer: Gazetteer) -> list[tuple[str, str, str, str | None]]:
    """Coded units the national data lacks (a new district, a community), parents first."""
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.id, Unit.path)
        .where(Unit.code.is_not(None))
        .order_by(Unit.path)
    ).all()
    codes = {unit_id: code for code, _n, _k, _p, unit_id, _path in rows}
    local: list[tuple[str, str, str, str | None]] = []
    for code, name, kind, parent_id, _unit_id, _path in rows:
        if code is None or kind not in UNIT_LEVELS or gazetteer.get(code) is not None:
            continue
        local.append((code, name, UNIT_LEVELS[kind], codes.get(parent_id) if parent_id else None))
    return local


def _claims(session: Session) -> ClaimMatcher | None:
    """The library's matcher, its reranker learnt from the library itself and from
    the matches analysts confirmed or rejected (claim_rerank.py)."""
    rows = session.execute(
        select(Claim.id, Claim.text_norm, Claim.clarification, Claim.authority)
    ).all()
    if not rows:
        return None
    library = [
        LibraryClaim(i, text, clarification or "", authority or "")
        for i, text, clarification, authority in rows
    ]
    matcher = ClaimMatcher.build([(c.claim_id, c.text) for c in library])
    decided = session.execute(
        select(Item.text_norm, ClaimMatch.claim_id, ClaimMatch.status)
        .join(Item, Item.id == ClaimMatch.item_id)
        .where(ClaimMatch.status.in_(("confirmed", "rejected")))
        .order_by(ClaimMatch.decided_at.desc())
        .limit(MAX_DECISIONS)
    ).all()
    decisions = [
        Decision(text, claim_id, status == "confirmed") for text, claim_id, status in decided
    ]
    matcher.reranker = train_reranker(matcher, library, decisions)
    return matcher
