"""MinHash LSH parts of duplicate folding: character shingles hashed to 32 bits,
their exact Jaccard similarity, and the band index that proposes candidates."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import numpy.typing as npt

# Documents kept per LSH bucket, newest last. A stream full of one template piles
# thousands of siblings into the same buckets, and reading them all made every add
# slower as a run grew (1.8k items/s falling to 1.1k by 460k items); the newest
# few of a bucket are the likeliest copies, and a copy folds onto its cluster's
# root whichever sibling it matched.
BUCKET_LIMIT = 12

# ---------------------------------------------------------------- shingles

_CODE_BITS = np.uint64(21)  # every Unicode code point fits in 21 bits
_FOLD = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: multiplicative hashing
_HIGH = np.uint64(32)

Shingles = npt.NDArray[np.uint32]


def shingle_hashes(bare: str, size: int = 3) -> Shingles:
    """Sorted distinct 32-bit hashes of the character ``size``-grams of ``bare``.

    Shingles are packed exactly from code points, then folded to 32 bits: two
    different shingles of two posts collide with odds of about 1e-6, so Jaccard
    on these hashes is the exact shingle Jaccard in practice.
    """
    codes = np.frombuffer(bare.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint32)
    width = min(size, codes.size)  # a text shorter than a shingle is one shingle
    count = codes.size - width + 1
    packed = codes[:count].copy()
    for offset in range(1, width):
        packed = (packed << _CODE_BITS) | codes[offset : offset + count]
    return np.unique(((packed * _FOLD) >> _HIGH).astype(np.uint32))


def jaccard(left: Shingles, right: Shingles) -> float:
    """Exact Jaccard similarity of two sorted distinct hash arrays."""
    if left.size == 0 or right.size == 0:
        return 0.0
    shared = np.intersect1d(left, right, assume_unique=True).size
    return shared / (left.size + right.size - shared)


def containment(part: Shingles, whole: Shingles) -> float:
    """Share of ``part``'s shingles found in ``whole``: how much of a cut copy is in its source."""
    if part.size == 0 or whole.size == 0:
        return 0.0
    return np.intersect1d(part, whole, assume_unique=True).size / part.size


# ---------------------------------------------------------------- banding

# LSH proposes a pair at the fold threshold with at least this probability. Not
# 0.99: copies mostly sit well above the threshold (0.1 above it they are
# proposed with p > 0.98) and each band costs ~75 bytes per remembered document.
# Measured: DXY and edited-post recall did not move between 0.9 and 0.99.
_BAND_RECALL = 0.9
# At most this share of pairs at half the threshold is proposed (and rejected by
# the exact check): bounds wasted checks.
_BAND_NOISE = 0.5
# At most this share of unrelated pairs (Jaccard 0.1, the 99.9th percentile of
# random Weibo post pairs). Two-row bands fail it: with 200,000 posts remembered
# they proposed so many candidates that adds ran at 7k/s instead of 12k/s.
_BAND_UNRELATED = 0.02
_BAND_MULT = np.uint64(0xC2B2AE3D27D4EB4F)
_BAND_SHIFT = np.uint64(4)  # 60-bit keys are smaller Python ints than 64-bit ones


def _proposed(similarity: float, bands: int, rows: int) -> float:
    return float(1 - (1 - similarity**rows) ** bands)


def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): the fewest bands meeting the three limits above; fewest
    because every band costs memory per document and a lookup per add.
    For 128 permutations and threshold 0.5: 18 bands of 3 rows."""
    for rows in range(1, num_perm + 1):
        hit = threshold**rows
        if hit >= 1.0:
            return 1, rows
        bands = max(1, math.ceil(math.log(1 - _BAND_RECALL) / math.log(1 - hit)))
        if bands * rows > num_perm:
            break
        if _proposed(threshold / 2, bands, rows) <= _BAND_NOISE and (
            threshold <= 0.2 or _proposed(0.1, bands, rows) <= _BAND_UNRELATED
        ):
            return bands, rows
    rows = max(1, round(math.log(1 / num_perm) / math.log(threshold)))
    return max(1, num_perm // rows), rows


class BandIndex:
    """LSH buckets in one dict for all bands. A bucket is a bare id until a second
    document lands in it: most never get one, and this keeps memory down."""

    def __init__(self, bands: int, rows: int, seed: int) -> None:
        self.bands, self.rows = bands, rows
        salts = np.random.default_rng(seed).integers(0, 2**63, size=bands, dtype=np.uint64)
        self._salts = salts | np.uint64(1)
        self._buckets: dict[int, int | list[int]] = {}

    def keys(self, hashvalues: npt.NDArray[np.uint32]) -> list[int]:
        band = hashvalues[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        mixed = self._salts.copy()
        for row in range(self.rows):
            mixed = (mixed ^ band[:, row]) * _BAND_MULT
        keys: list[int] = (mixed >> _BAND_SHIFT).tolist()
        return keys

    def query(self, keys: list[int]) -> Counter[int]:
        """Documents sharing a band with these keys, and how many bands each shares."""
        found: Counter[int] = Counter()
        for key in keys:
            bucket = self._buckets.get(key)
            if isinstance(bucket, int):
                found[bucket] += 1
            elif bucket is not None:
                found.update(bucket)
        return found

    def insert(self, doc_id: int, keys: list[int]) -> None:
        for key in keys:
            bucket = self._buckets.setdefault(key, doc_id)
            if isinstance(bucket, list):
                bucket.append(doc_id)
                if len(bucket) > BUCKET_LIMIT:
                    del bucket[0]
            elif bucket != doc_id:
                self._buckets[key] = [bucket, doc_id]

    def remove(self, doc_id: int, keys: list[int]) -> None:
        for key in keys:
            bucket = self._buckets.get(key)
            if bucket == doc_id:
                del self._buckets[key]
            elif isinstance(bucket, list) and doc_id in bucket:
                bucket.remove(doc_id)
                if len(bucket) == 1:
                    self._buckets[key] = bucket[0]
