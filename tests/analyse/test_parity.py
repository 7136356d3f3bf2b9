"""Simplified and traditional are one language: an item and its traditional rendering
get the same places, topics, sentiment, rule hits and duplicate key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from yuqing.analyse.dedupe import content_key
from yuqing.analyse.gazetteer import Gazetteer
from yuqing.analyse.places import PlaceTagger
from yuqing.analyse.rules import Rule, RuleDocument
from yuqing.analyse.sentiment import LexiconSentiment
from yuqing.analyse.topics import Taxonomy
from yuqing.demo.desk_setup import WATCH_RULES
from yuqing.demo.scenario import build_scenario
from yuqing.text import matching_form
from yuqing.text.normalise import to_traditional

DXY = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "news"
    / "dxy_news_20200329.csv"
)


def outputs(
    text: str, tagger: PlaceTagger, taxonomy: Taxonomy, rules: list[Rule]
) -> tuple[object, ...]:
    norm = matching_form(text)
    places = tuple(h.place.code for h in tagger.tag(norm))
    topics = tuple(t.topic for t in taxonomy.tag(norm))
    feeling = LexiconSentiment().analyse(norm)
    doc = RuleDocument(text=norm, places=frozenset(places))
    hits = tuple(rule.matches(doc) for rule in rules)
    return places, topics, feeling.label, hits, content_key(norm)


def agreement(texts: list[str]) -> float:
    tagger = PlaceTagger(Gazetteer.load())
    taxonomy = Taxonomy.default()
    rules = [Rule.parse(q) for _n, q in WATCH_RULES if "place:" not in q]
    same = sum(
        outputs(t, tagger, taxonomy, rules) == outputs(to_traditional(t), tagger, taxonomy, rules)
        for t in texts
    )
    return same / len(texts)


def test_parity_on_the_demo_week() -> None:
    texts = [item.body for item in build_scenario(seed=4, items=600).items()]
    assert agreement(texts) >= 0.995


def test_parity_on_real_news() -> None:
    if not DXY.exists():
        pytest.skip(f"evaluation data not found at {DXY}")
    with DXY.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))[:600]
    texts = [f"{row['title']}\n{row['summary']}" for row in rows]
    assert agreement(texts) >= 0.99
