"""The components' ceiling for ``bench.analyse_real``: the four steps every item must
go through, each timed alone (CPU seconds) over the same texts.

* normalise: the matching form of the original text;
* MinHash: character shingles, the signature and its LSH band keys;
* predict: topics and polarity in batches, as the tagging worker asks for them
  (the trained models when the context has them, otherwise seeds and lexicon);
* index insert: the band keys into an LSH band index.

One core does the four one after another at ``one_core`` items/s; ``two_core`` is
twice that, the most two cores could do if analysis did nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from datasketch import MinHash

from yuqing.analyse.context import AnalysisContext
from yuqing.analyse.dedupe import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD, bare_form
from yuqing.analyse.lsh import BandIndex, band_params, shingle_hashes
from yuqing.text import matching_form

BATCH = 2000


@dataclass(frozen=True)
class Ceiling:
    rates: dict[str, float]  # component → items per CPU second

    @property
    def one_core(self) -> float:
        return 1.0 / sum(1.0 / rate for rate in self.rates.values())

    @property
    def two_core(self) -> float:
        return 2.0 * self.one_core


def _timed(work: Callable[[], object], items: int) -> float:
    started = time.process_time()
    work()
    return items / max(time.process_time() - started, 1e-9)


def measure_ceiling(
    context: AnalysisContext, originals: Sequence[str], norms: Sequence[str]
) -> Ceiling:
    count = len(norms)
    hasher = MinHash(num_perm=DEFAULT_NUM_PERM, seed=1, scheme="affine32", hashfunc=int)
    bands = BandIndex(*band_params(DEFAULT_THRESHOLD, DEFAULT_NUM_PERM), seed=1)
    keys: list[list[int]] = []

    def normalise() -> None:
        for text in originals:
            matching_form(text)

    def signatures() -> None:
        for norm in norms:
            hasher.clear()
            hasher.update_batch(shingle_hashes(bare_form(norm)).tolist())
            keys.append(bands.keys(hasher.hashvalues))

    def predict() -> None:
        for start in range(0, count, BATCH):
            chunk = list(norms[start : start + BATCH])
            context.topics.tag_many(chunk)
            context.sentiment.analyse_many(chunk)

    def insert() -> None:
        for doc_id, doc_keys in enumerate(keys):
            bands.insert(doc_id, doc_keys)

    return Ceiling(
        {
            "normalise": _timed(normalise, len(originals)),
            "MinHash": _timed(signatures, count),
            "predict": _timed(predict, count),
            "index insert": _timed(insert, count),
        }
    )
