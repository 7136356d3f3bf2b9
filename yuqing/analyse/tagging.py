"""The per-text stages — places, topics, sentiment, claim candidates — as plain values,
so that they can run in a second process while the main one folds duplicates, clusters
and writes.

On two cores that overlap is what takes the run past 1,200 items/s. The worker is a
forked copy of the main process, so it starts with the taggers already built.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool

from yuqing.analyse.claims import SHOW_SCORE, ClaimCandidate
from yuqing.analyse.context import AnalysisContext

TAG_CACHE = 20_000  # texts whose tags are remembered (oldest forgotten first)
CLAIM_CANDIDATES = 3
CLAIM_MIN_SCORE = SHOW_SCORE  # an item whose best candidate scores lower shows none


@dataclass(frozen=True)
class TextTags:
    places: list[tuple[str, str, str]]  # code, name, level
    is_local: bool
    topics: list[tuple[str, float, str]]  # topic, score, origin
    sentiment: str
    emotion: str
    score: float
    misinfo_risk: float | None = None


def text_tags(context: AnalysisContext, text: str) -> TextTags:
    """Places, topics and sentiment of a text in matching form."""
    return texts_tags(context, [text])[0]


def texts_tags(context: AnalysisContext, texts: Sequence[str]) -> list[TextTags]:
    """Tags of texts in matching form; the models are asked once for the whole batch.
    Identical texts (copypasta, exact reposts) are common, so recent answers are
    remembered."""
    cache = context.tag_cache
    answers: dict[str, TextTags] = {}
    for text in texts:
        cached = cache.get(text)
        if isinstance(cached, TextTags):
            answers[text] = cached
    todo = [t for t in dict.fromkeys(texts) if t not in answers]
    if todo:
        topics = context.topics.tag_many(todo)
        feelings = context.sentiment.analyse_normalised_many(todo)
        risks = _misinfo_risks(context, todo)
        for text, found, feeling, risk in zip(todo, topics, feelings, risks, strict=True):
            hits = context.places.tag(text)
            if len(cache) >= TAG_CACHE:
                cache.pop(next(iter(cache)))
            cache[text] = answers[text] = TextTags(
                places=list(
                    dict.fromkeys((h.place.code, h.place.name, h.place.level) for h in hits)
                ),
                is_local=context.places.is_local(hits),
                topics=[(t.topic, t.score, t.source) for t in found],
                sentiment=feeling.label,
                emotion=feeling.emotion,
                score=feeling.score,
                misinfo_risk=risk,
            )
    return [answers[t] for t in texts]


def _misinfo_risks(context: AnalysisContext, texts: list[str]) -> list[float | None]:
    model = context.misinfo
    if model is None or "fake" not in model.labels:
        return [None] * len(texts)
    column = model.labels.index("fake")
    return [round(float(row[column]), 4) for row in model.probabilities(texts)]


@dataclass(frozen=True)
class BatchTags:
    """A batch's tags and claim candidates, in the batch's order."""

    tags: list[TextTags]
    claims: list[list[ClaimCandidate]]


def tag_batch(context: AnalysisContext, texts: Sequence[str]) -> BatchTags:
    return BatchTags(texts_tags(context, texts), claim_candidates(context, texts))


def claim_candidates(context: AnalysisContext, texts: Sequence[str]) -> list[list[ClaimCandidate]]:
    """Claim candidates for a whole batch at once (one matrix product, not one per text)."""
    if context.claims is None:
        return [[] for _ in texts]
    return context.claims.shown_many(texts, k=CLAIM_CANDIDATES, gate=CLAIM_MIN_SCORE)


_FORKED: AnalysisContext | None = None


def _tag_in_worker(texts: list[str]) -> BatchTags:
    assert _FORKED is not None, "the tagging worker was not forked from an analysis run"
    return tag_batch(_FORKED, texts)


class TagWorker:
    """A forked process that tags texts in the background (``workers`` > 1)."""

    def __init__(self, context: AnalysisContext) -> None:
        global _FORKED
        _FORKED = context
        self._pool: Pool = multiprocessing.get_context("fork").Pool(processes=1)

    def submit(self, texts: list[str]) -> AsyncResult[BatchTags]:
        return self._pool.apply_async(_tag_in_worker, (texts,))

    def close(self) -> None:
        self._pool.close()
        self._pool.join()
