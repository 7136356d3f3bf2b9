"""Duplicate folding for the item stream: repost chains, exact keys, near-duplicates.

Everything works on the matching form (``yuqing.text.matching_form``), so
traditional and simplified copies, full- and half-width characters and case
already agree. Three levels, cheapest first:

* a Weibo repost (``评论//@甲:转发语//@乙:原文``) is reduced to its innermost
  original, so every repost of a post is compared on that post's words;
* the exact key hashes the text without whitespace, punctuation and emoji or other
  symbols, so copies differing only in those fold without shingling;
* the rest go through MinHash LSH over character 3-grams. LSH only proposes
  candidates: a fold needs the exact Jaccard similarity of the shingle sets to
  reach the threshold, and the figures (numbers) of the two texts to agree.

Defaults were chosen by measurement (``bench/eval_matching.py``); the reasons
are recorded beside each constant.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from datasketch import MinHash

from yuqing.analyse.dedupe_forms import Figures, cut_mark, figures, figures_agree
from yuqing.analyse.lsh import (
    BandIndex,
    Shingles,
    band_params,
    containment,
    jaccard,
    shingle_hashes,
)
from yuqing.text.regional import regional_form

# Jaccard 0.5 rather than 0.6: on the DXY stream it found 68% of the labelled
# near copies instead of 58% (truncated copies 94% instead of 82%), and 90-100%
# of lightly edited Weibo posts instead of 83-100%, for a precision lower bound
# of 0.92 instead of 0.95; by hand, most folds counted wrong there were the same
# story rewritten. The figures check is what makes 0.5 safe: without it
# precision fell to 0.84.
DEFAULT_THRESHOLD = 0.5
# 3-character shingles: 2-grams folded more unrelated news at the same recall
# (precision 0.78 vs 0.92 at 0.5), as bigrams like 疫情 or 病例 are everywhere.
DEFAULT_SHINGLE = 3
DEFAULT_NUM_PERM = 128
DEFAULT_CAPACITY = 500_000
# Below this many characters (punctuation removed) a post is a slogan or an
# interjection ("武汉加油！"); shingle overlap means nothing there, so such posts
# fold only when exactly equal.
DEFAULT_MIN_LENGTH = 8
# Candidates checked per add, most shared bands first: bounds the cost of an
# add when a stream is full of one template.
DEFAULT_MAX_CANDIDATES = 16
# A cut copy ("…全文") is a prefix of its original, so its Jaccard similarity falls
# with the original's length: a 140-character cut of a 1,000-character post shares
# a seventh of its shingles. Cut copies are found by their opening instead and fold
# when this share of their own shingles is in the original.
PREFIX = 16  # bare characters of the opening; a shorter cut copy folds by Jaccard alone
PREFIX_KEEP = 8  # documents remembered per opening, newest last
CUT_CONTAINED = 0.8

FoldKind = Literal["exact", "near"]

# ---------------------------------------------------------------- repost chains

# `//@`, with full-width slashes or at sign, and a stray space after the slashes.
_SEPARATOR = re.compile(r"[/／]{2}[ \t]*[@＠]")
# Weibo nicknames are 1-30 characters without spaces or colons; some clients put
# a space before the colon ("//@甲 :").
_ACCOUNT = re.compile(r"([^\s:：/@＠]{1,30})[ \t]*[:：]")
_LOOSE_ACCOUNT = re.compile(r"[^\s:：]{0,30}")


@dataclass(frozen=True, slots=True)
class RepostHop:
    """One ``//@account:comment`` step of a repost chain."""

    account: str
    comment: str


@dataclass(frozen=True, slots=True)
class RepostChain:
    """A repost split into its parts; every string is a stripped slice of the input."""

    comment: str  # what the last reposter wrote before the first //@
    hops: tuple[RepostHop, ...]  # outermost first
    original: str  # the innermost non-empty text: what was reposted

    @property
    def is_repost(self) -> bool:
        return bool(self.hops)


def _parse_hop(segment: str) -> RepostHop:
    match = _ACCOUNT.match(segment)
    if match is not None:
        return RepostHop(match.group(1), segment[match.end() :].strip())
    # No colon: take the first word as the account so the rest is still kept.
    loose = _LOOSE_ACCOUNT.match(segment)
    end = loose.end() if loose is not None else 0
    return RepostHop(segment[:end], segment[end:].strip())


def repost_chain(text: str) -> RepostChain:
    """Split ``评论//@甲:转发语//@乙:原文`` into comment, hops and original.

    Text without a ``//@`` separator is its own original. The original is the
    innermost hop that has text (reposts often pass a hop on with nothing added).
    """
    parts = _SEPARATOR.split(text)
    hops = tuple(_parse_hop(segment) for segment in parts[1:])
    original = next((hop.comment for hop in reversed(hops) if hop.comment), parts[0].strip())
    return RepostChain(comment=parts[0].strip(), hops=hops, original=original)


# ---------------------------------------------------------------- exact key

# Dropped before comparing: punctuation (P*), separators (Z*), controls and
# format characters, and symbols other than currency (emoji, ★, and "~" or "|",
# which posts use as punctuation). Currency signs stay: "$5" is not "5".
_DROPPED = frozenset({"Cc", "Cf", "So", "Sk", "Sm"})


@cache
def _deletion_table() -> dict[int, None]:
    # Built on first use (~0.1 s) over the planes where punctuation, symbols and
    # emoji live, plus the tag characters hidden in flag emoji.
    code_points = [*range(0x20000), *range(0xE0000, 0xE0080)]
    return {
        cp: None
        for cp in code_points
        if (cat := unicodedata.category(chr(cp)))[0] in "PZ" or cat in _DROPPED
    }


def bare_form(norm_text: str) -> str:
    """The matching form without whitespace, punctuation or symbols (currency kept)."""
    return norm_text.translate(_deletion_table())


def duplicate_form(norm_text: str) -> tuple[str, bool]:
    """What folding compares, and whether the text was cut ("…全文").

    The bare form of the text in regional form (Taiwan and Hong Kong wording
    folded, ``yuqing.text.regional``), without a trailing truncation mark.
    """
    text, cut = cut_mark(norm_text)
    return bare_form(regional_form(text)), cut


def content_key(norm_text: str) -> str:
    """The exact-duplicate key of a matching-form text (hex digest).

    Copies differing only in whitespace, punctuation, emoji or regional wording
    share it. Pass a repost's ``repost_chain(text).original`` to key what was reposted.
    """
    digest = hashlib.blake2b(duplicate_form(norm_text)[0].encode("utf-8"), digest_size=16)
    return digest.hexdigest()


def _short_key(bare: str) -> int:
    # 64 bits inside one index (odds of a collision among 500,000 documents are
    # about 1 in 10^8) take less memory than the hex key.
    digest = hashlib.blake2b(bare.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


# ---------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class FoldMatch:
    """Why a document was folded: ``original_id`` is the root of its cluster (the
    earliest document); ``matched_id`` the one compared, maybe itself a copy."""

    original_id: int
    matched_id: int
    kind: FoldKind
    similarity: float


@dataclass(slots=True)
class _Entry:
    key: int
    shingles: bytes  # sorted distinct uint32 hashes; empty: too short, exact key only
    figures: Figures | None
    bands: bytes  # uint64 band keys, kept to remove the document on eviction
    prefix: int  # short key of the opening (PREFIX characters); 0 when shorter
    root: int
    seq: int


class NearDuplicateIndex:
    """Incremental duplicate folding over a stream of matching-form texts.

    A document is compared with those added before it; ids should grow with
    stream order, and a result is always an id added earlier, never the document
    itself. At most ``capacity`` documents are remembered, oldest forgotten first;
    exact copies are not remembered (their original already is).
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_size: int = DEFAULT_SHINGLE,
        capacity: int = DEFAULT_CAPACITY,
        *,
        min_length: int = DEFAULT_MIN_LENGTH,
        max_candidates: int = DEFAULT_MAX_CANDIDATES,
        figures_must_agree: bool = True,
        seed: int = 1,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if not 1 <= shingle_size <= 3:
            raise ValueError("shingle_size must be 1, 2 or 3")
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.capacity = capacity
        self.min_length = min_length
        self.max_candidates = max_candidates
        self.figures_must_agree = figures_must_agree
        # One MinHash, cleared per document: the permutations are drawn once, and
        # signatures are only comparable because they share them.
        self._hasher = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
        self._bands = BandIndex(*band_params(threshold, num_perm), seed=seed)
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._by_key: dict[int, int] = {}
        self._by_prefix: dict[int, list[int]] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    def add(self, doc_id: int, norm_text: str) -> int | None:
        """Add a document; return the id of the earlier original it copies, or None."""
        match = self.add_match(doc_id, norm_text)
        return None if match is None else match.original_id

    def add_match(self, doc_id: int, norm_text: str) -> FoldMatch | None:
        """Like :meth:`add`, but say which document matched, how, and how closely."""
        bare, cut = duplicate_form(repost_chain(norm_text).original)
        if not bare:
            bare, cut = duplicate_form(norm_text)
        key = _short_key(bare)
        exact = self._by_key.get(key)
        if exact is not None and exact != doc_id:
            return FoldMatch(self._entries[exact].root, exact, "exact", 1.0)
        entry = _Entry(key, b"", None, b"", 0, doc_id, self._seq)
        match = None
        if len(bare) >= self.min_length:
            shingles = shingle_hashes(bare, self.shingle_size)
            self._hasher.clear()
            self._hasher.update_batch(shingles.tolist())  # already 32-bit hashes
            band_keys = self._bands.keys(self._hasher.hashvalues)
            entry.figures = figures(bare, cut) if self.figures_must_agree else None
            entry.prefix = _short_key(bare[:PREFIX]) if len(bare) >= PREFIX else 0
            cut = cut and entry.prefix != 0
            found = self._candidates(doc_id, band_keys, entry.prefix if cut else 0)
            match = self._near_match(found, shingles, entry.figures, cut)
            entry.shingles = shingles.tobytes()
            entry.bands = np.array(band_keys, dtype=np.uint64).tobytes()
        if exact is None and doc_id not in self._entries:
            entry.root = doc_id if match is None else match.original_id
            self._remember(doc_id, entry)
        return match

    def _candidates(self, doc_id: int, band_keys: list[int], prefix: int) -> list[int]:
        """Earlier documents worth comparing, oldest first (the earliest wins a tie):
        those sharing the most LSH bands, up to the cap, and for a cut copy the
        newest few sharing its opening."""
        found = self._bands.query(band_keys)
        found.pop(doc_id, None)
        # More shared bands means a higher estimated similarity: check those first.
        if len(found) > self.max_candidates:
            ranked = {c: None for c, _n in found.most_common(self.max_candidates)}
        else:
            ranked = dict.fromkeys(found)
        if prefix:
            ranked.update((c, None) for c in self._by_prefix.get(prefix, ()) if c != doc_id)
        return sorted(ranked, key=lambda c: self._entries[c].seq)

    def _near_match(
        self, chosen: list[int], shingles: Shingles, stated: Figures | None, cut: bool
    ) -> FoldMatch | None:
        best: FoldMatch | None = None
        for candidate in chosen:
            entry = self._entries[candidate]
            theirs = np.frombuffer(entry.shingles, dtype=np.uint32)
            similarity = jaccard(shingles, theirs)
            if cut and theirs.size > shingles.size:
                # Ranked by containment, so the post it was cut from beats one that
                # merely tells the same story at a similar length.
                contained = containment(shingles, theirs)
                similarity = contained if contained >= CUT_CONTAINED else similarity
            if similarity < self.threshold or (best is not None and similarity <= best.similarity):
                continue
            if self.figures_must_agree:
                mine_shorter = shingles.size <= theirs.size
                shorter, longer = (
                    (stated, entry.figures) if mine_shorter else (entry.figures, stated)
                )
                if not figures_agree(shorter, longer):
                    continue
            best = FoldMatch(entry.root, candidate, "near", similarity)
        return best

    def _remember(self, doc_id: int, entry: _Entry) -> None:
        # Near copies are remembered too: a later copy may be closer to one of
        # them than to the original it drifted from.
        self._entries[doc_id] = entry
        self._seq += 1
        self._by_key.setdefault(entry.key, doc_id)
        if entry.bands:
            self._bands.insert(doc_id, np.frombuffer(entry.bands, dtype=np.uint64).tolist())
        if entry.prefix:
            opening = self._by_prefix.setdefault(entry.prefix, [])
            opening.append(doc_id)
            if len(opening) > PREFIX_KEEP:
                del opening[0]
        while len(self._entries) > self.capacity:
            self._evict_oldest()

    def _evict_oldest(self) -> None:
        doc_id, entry = self._entries.popitem(last=False)
        if self._by_key.get(entry.key) == doc_id:
            del self._by_key[entry.key]
        if entry.bands:
            self._bands.remove(doc_id, np.frombuffer(entry.bands, dtype=np.uint64).tolist())
        opening = self._by_prefix.get(entry.prefix) if entry.prefix else None
        if opening is not None and doc_id in opening:
            opening.remove(doc_id)
            if not opening:
                del self._by_prefix[entry.prefix]


def fold(
    docs: Iterable[tuple[int, str]],
    threshold: float = DEFAULT_THRESHOLD,
    shingle_size: int = DEFAULT_SHINGLE,
    capacity: int = DEFAULT_CAPACITY,
) -> dict[int, int]:
    """Fold matching-form texts in stream order: ``{copy id: original id}`` for every copy."""
    index = NearDuplicateIndex(threshold, shingle_size=shingle_size, capacity=capacity)
    folded: dict[int, int] = {}
    for doc_id, norm_text in docs:
        original = index.add(doc_id, norm_text)
        if original is not None:
            folded[doc_id] = original
    return folded
