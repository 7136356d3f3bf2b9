"""What a claim candidate has in common with an item, as numbers a reranker weighs.

The first pass (character 1–2-gram cosine) finds the candidates; these features
tell the right one from its neighbours. A rumour post usually repeats its claim
nearly word for word somewhere in a longer text, and a debunk quotes it, so the
strongest evidence is a long shared run of characters and how much of the
claim's own wording (IDF-weighted character 3-grams: names, places, rare
words) the item contains. Figures are strong evidence both ways: a claim's
numbers found in the item support it, numbers the item lacks count against.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

GRAM = 3  # characters per evidence n-gram: most Chinese names and places are 2–3
RUN_CAP = 24  # a shared run this long (characters) is as good as a verbatim quote
_DIGITS = re.compile(r"\d+")

FEATURES = (
    "cosine",  # first-pass score
    "cosine_gap",  # first-pass score minus the item's best (0 for the top candidate)
    "claim_covered",  # IDF share of the claim's 3-grams found in the item
    "item_covered",  # IDF share of the item's 3-grams found in the claim
    "run",  # longest shared run of characters, capped, over the cap
    "run_of_claim",  # the run over the claim's length
    "rare",  # highest IDF among shared 3-grams, over the library's highest
    "numbers_shared",  # the claim's numbers found in the item (0, 1/3, 2/3, 1)
    "numbers_missing",  # share of the claim's numbers the item lacks
)


def grams(text: str) -> list[str]:
    """Character 3-grams in order; a cut (NUL, where template text was removed) stops them."""
    return [g for i in range(len(text) - GRAM + 1) if "\x00" not in (g := text[i : i + GRAM])]


def numbers(text: str) -> frozenset[str]:
    return frozenset(m.lstrip("0") or "0" for m in _DIGITS.findall(text))


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    """What the features need of one claim, computed when the library is built."""

    grams: frozenset[str]
    weight: float  # IDF sum of its distinct 3-grams
    length: int  # characters of content (template text removed)
    numbers: frozenset[str]


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    sequence: list[str]
    grams: frozenset[str]
    weight: float
    numbers: frozenset[str]


class Evidence:
    """3-gram IDF over the library's claims, and each claim's evidence."""

    def __init__(self, contents: list[str]) -> None:
        sets = [frozenset(grams(text)) for text in contents]
        df: dict[str, int] = {}
        for found in sets:
            for gram in found:
                df[gram] = df.get(gram, 0) + 1
        total = len(contents) + 1
        self.idf: Mapping[str, float] = {g: math.log(total / n) + 1.0 for g, n in df.items()}
        self.unseen = math.log(total) + 1.0  # a 3-gram no claim has
        self.claims = [
            ClaimEvidence(found, self._weight(found), len(text.replace("\x00", "")), numbers(text))
            for found, text in zip(sets, contents, strict=True)
        ]

    def _weight(self, found: frozenset[str]) -> float:
        idf, unseen = self.idf, self.unseen
        return sum(idf.get(g, unseen) for g in found)

    def item(self, text: str) -> ItemEvidence:
        sequence = grams(text)
        found = frozenset(sequence)
        return ItemEvidence(sequence, found, self._weight(found), numbers(text))

    def features(
        self, item: ItemEvidence, claim_index: int, cosine: float, best: float
    ) -> list[float]:
        claim = self.claims[claim_index]
        shared = item.grams & claim.grams
        idf = self.idf
        shared_weight = sum(idf[g] for g in shared)
        run = _longest_run(item.sequence, claim.grams) if shared else 0
        claim_numbers = claim.numbers
        hits = len(claim_numbers & item.numbers)
        return [
            cosine,
            cosine - best,
            shared_weight / claim.weight if claim.weight else 0.0,
            shared_weight / item.weight if item.weight else 0.0,
            min(run, RUN_CAP) / RUN_CAP,
            min(run / claim.length, 1.0) if claim.length else 0.0,
            max((idf[g] for g in shared), default=0.0) / self.unseen,
            min(hits, 3) / 3,
            (len(claim_numbers) - hits) / len(claim_numbers) if claim_numbers else 0.0,
        ]


def _longest_run(sequence: list[str], claim_grams: frozenset[str]) -> int:
    """Characters in the longest stretch of consecutive item 3-grams the claim also has."""
    best = current = 0
    for gram in sequence:
        if gram in claim_grams:
            current += 1
            if current > best:
                best = current
        else:
            current = 0
    return best + GRAM - 1 if best else 0
