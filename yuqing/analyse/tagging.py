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
from yuqing.analyse.sentiment import LexiconSentiment

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


def text_tags(context: AnalysisContext, text: str) -> TextTags:
    """Places, topics and sentiment of a text in matching form. Identical texts
    (copypasta, exact reposts) are common, so recent answers are remembered."""
    cached = context.tag_cache.get(text)
    if isinstance(cached, TextTags):
        return cached
    hits = context.places.tag(text)
    feeling = (
        context.sentiment.analyse_normalised(text)
        if isinstance(context.sentiment, LexiconSentiment)
        else context.sentiment.analyse(text)
    )
    answer = TextTags(
        places=list(dict.fromkeys((h.place.code, h.place.name, h.place.level) for h in hits)),
        is_local=context.places.is_local(hits),
        topics=[(t.topic, t.score, t.source) for t in context.topics.tag(text)],
        sentiment=feeling.label,
        emotion=feeling.emotion,
        score=feeling.score,
    )
    if len(context.tag_cache) >= TAG_CACHE:
        context.tag_cache.pop(next(iter(context.tag_cache)))
    context.tag_cache[text] = answer
    return answer


@dataclass(frozen=True)
class BatchTags:
    """A batch's tags and claim candidates, in the batch's order."""

    tags: list[TextTags]
    claims: list[list[ClaimCandidate]]


def tag_batch(context: AnalysisContext, texts: Sequence[str]) -> BatchTags:
    return BatchTags([text_tags(context, text) for text in texts], claim_candidates(context, texts))


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
