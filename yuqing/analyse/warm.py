"""An analysis context kept warm between scheduled runs.

A long-lived worker builds the taggers, rules, claim matcher and models once and
rebuilds only the part whose inputs changed — units (the gazetteer's local
places), watch rules, claims, trained models — each noticed by a fingerprint
that costs one small query. Every run still gets its own duplicate index and
event clusterer (they follow the run's window), sharing the heavy parts.

A unit the gazetteer refuses (a malformed code, a parent it cannot place) is
left out and reported in ``problems``, so one bad row never stops analysis.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.analyse.context import (
    AnalysisContext,
    _claims,
    _local_units,
    model_path,
)
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
from yuqing.errors import QueryError
from yuqing.store.models import Claim, Unit, WatchRule

logger = logging.getLogger(__name__)

PARTS = ("units", "rules", "claims", "models")


@dataclass
class WarmContext:
    """Builds a context once, then refreshes only what changed."""

    jurisdiction: list[str] = field(default_factory=list)
    models_dir: Path | None = None
    taxonomy: Taxonomy | None = None
    problems: list[str] = field(default_factory=list)  # units left out, with reasons
    reloaded: list[str] = field(default_factory=list)  # parts rebuilt by the last call
    _base: AnalysisContext | None = None
    _prints: dict[str, str] = field(default_factory=dict)

    def context(self, session: Session) -> AnalysisContext:
        """A context for one run: current inputs, fresh duplicate index and events."""
        prints = fingerprints(session, self.models_dir)
        changed = [p for p in PARTS if prints[p] != self._prints.get(p)]
        base = self._base
        if base is None:
            base = self._build(session)
        else:
            if "units" in changed:
                base = replace(base, places=self._places(session), tag_cache={})
            if "rules" in changed:
                base = replace(base, rules=self._rules(session))
            if "claims" in changed:
                base = replace(base, claims=_claims(session))
            if "models" in changed:
                topics, sentiment, misinfo = self._models()
                base = replace(
                    base, topics=topics, sentiment=sentiment, misinfo=misinfo, tag_cache={}
                )
        self._base, self._prints, self.reloaded = base, prints, changed
        if changed:
            logger.info("analysis context: (re)loaded %s", ", ".join(changed))
        return replace(
            base, dedupe=NearDuplicateIndex(capacity=base.dedupe.capacity), events=EventClusterer()
        )

    def _build(self, session: Session) -> AnalysisContext:
        topics, sentiment, misinfo = self._models()
        return AnalysisContext(
            places=self._places(session),
            topics=topics,
            sentiment=sentiment,
            misinfo=misinfo,
            rules=self._rules(session),
            claims=_claims(session),
        )

    def _rules(self, session: Session) -> list[tuple[int, Rule]]:
        """The enabled rules that parse; a broken one is left out and reported."""
        self.problems = [p for p in self.problems if not p.startswith("rule ")]
        rules = []
        for rule in session.scalars(select(WatchRule).where(WatchRule.enabled)):
            try:
                rules.append((rule.id, Rule.parse(rule.query)))
            except QueryError as exc:
                self.problems.append(f"rule {rule.name} ({rule.id}): {exc}")
                logger.warning("analysis: rule left out: %s (%s)", rule.name, exc)
        return rules

    def _places(self, session: Session) -> PlaceTagger:
        gazetteer, problems = gazetteer_with_units(session)
        self.problems = [p for p in self.problems if not p.startswith("unit ")] + problems
        for problem in problems:
            logger.warning("analysis: unit left out of the gazetteer: %s", problem)
        return PlaceTagger(gazetteer, jurisdiction=self.jurisdiction)

    def _models(self) -> tuple[TopicTagger, DeskSentiment, TextModel | None]:
        """The trained models when the desk has them (as ``build_context`` loads them)."""
        topic_model = load_task(self.models_dir, "topics")
        polarity = load_task(self.models_dir, "polarity")
        emotion = load_task(self.models_dir, "emotion")
        misinfo = load_task(self.models_dir, "misinfo")
        topics = TopicTagger(
            self.taxonomy or Taxonomy.default(),
            model=topic_model if isinstance(topic_model, TopicModel | TextModel) else None,
        )
        sentiment = DeskSentiment(
            polarity=polarity if isinstance(polarity, PolarityModel) else None,
            emotion=emotion if isinstance(emotion, TextModel) else None,
        )
        return topics, sentiment, misinfo if isinstance(misinfo, TextModel) else None


def gazetteer_with_units(session: Session) -> tuple[Gazetteer, list[str]]:
    """The national gazetteer plus every coded unit it accepts, and why it refused
    the others. All at once when the whole batch is good; else one by one, parents
    first, so a bad row costs only itself (and the rows below it)."""
    gazetteer = Gazetteer.load()
    rows = _local_units(session, gazetteer)
    try:
        gazetteer.add_local(rows)
        return gazetteer, []
    except ValueError:
        pass
    gazetteer = Gazetteer.load()
    problems: list[str] = []
    for code, name, level, parent in rows:
        try:
            gazetteer.add_local([(code, name, level, parent)])
        except ValueError as exc:
            problems.append(f"unit {name} ({code}): {exc}")
    return gazetteer, problems


def fingerprints(session: Session, models_dir: Path | None) -> dict[str, str]:
    """One short digest per part of the context's inputs."""
    units = session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)
        .where(Unit.code.is_not(None))
        .order_by(Unit.id)
    ).all()
    rules = session.execute(
        select(WatchRule.id, WatchRule.query).where(WatchRule.enabled).order_by(WatchRule.id)
    ).all()
    claims = session.execute(select(Claim.id, Claim.text_norm).order_by(Claim.id)).all()
    return {
        "units": _digest(units),
        "rules": _digest(rules),
        "claims": _digest(claims),
        "models": _digest(_model_stamps(models_dir)),
    }


def _model_stamps(models_dir: Path | None) -> list[tuple[str, int, int]]:
    if models_dir is None:
        return []
    stamps = []
    for task in ("topics", "emotion"):
        path = model_path(models_dir, task)
        if path.exists():
            stat = path.stat()
            stamps.append((task, stat.st_mtime_ns, stat.st_size))
    return stamps


def _digest(rows: Iterable[Iterable[object]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
