"""What duplicate folding compares: a text's figures and the marks of a cut copy.

* Figures: every number with the characters either side of it. Bulletins share a
  template and differ only in their figures ("累计37例" vs "累计38例"): for the desk
  each is news, not a copy. A light edit next to a number ("3例" → "3名") keeps the
  number and one neighbour, so it still agrees.
* Truncation marks: Weibo cuts a long post at about 140 characters and ends the
  cut with "…全文" or "...展开全文" (scraped pages add the icon's "c" and a link).
  The mark is not part of what was said; it says the text is a prefix of a longer
  one, and that its last figure may have been cut ("累计41例" → "累计4…全文").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

# Matching form: NFKC turned "…" into "...". An ellipsis (or a run of 。 or ⋯)
# before 全文, or Weibo's own 展开全文 with or without one, then what scrapers
# leave after it: the icon's letter, an arrow, a colon and a link.
_TRUNCATION_MARK = re.compile(
    r"(?:(?:\.{2,}|⋯+|。{2,})\s*(?:展开|查看|显示|阅读)?全文|(?:\.{2,}|⋯+)?\s*展开全文)"
    r"\s*[c>﹀∨]?\s*(?:[:：]?\s*https?://\S*)?\s*$"
)


def cut_mark(norm_text: str) -> tuple[str, bool]:
    """The text without a trailing truncation mark, and whether it had one."""
    match = _TRUNCATION_MARK.search(norm_text)
    if match is None:
        return norm_text, False
    return norm_text[: match.start()].rstrip(" .⋯。"), True


# ---------------------------------------------------------------- figures

_NUMBER = re.compile(r"\d+")

Figure = tuple[str, str, str]  # character before, number, character after ("" at an end)


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures a text states, in order (a number twice is stated twice).

    ``cut_last`` says the text ends in a digit: if it is the shorter of two, that
    last figure may have been cut ("累计41例" → "累计4") and is not held against it.
    """

    stated: tuple[Figure, ...]
    length: int  # characters of the bare text
    cut_last: bool
    marked_cut: bool = False  # the text ended in a truncation mark ("…全文")

    def held(self, other_length: int) -> tuple[Figure, ...]:
        """The figures that must appear in a text of ``other_length`` characters."""
        if self.cut_last and self.length < other_length:
            return self.stated[:-1]
        return self.stated


def figures(bare: str, marked_cut: bool = False) -> Figures | None:
    """The figures of a bare text (no spaces or punctuation), or None when it states none."""
    found: list[Figure] = []
    for match in _NUMBER.finditer(bare):
        start, end = match.span()
        found.append((bare[start - 1 : start], match.group(), bare[end : end + 1]))
    if not found:
        return None
    return Figures(tuple(found), len(bare), bare[-1].isdigit(), marked_cut)


# Texts within this many characters of each other are the same text lightly edited,
# not one cut or shortened from the other: their figures must agree both ways.
SAME_LENGTH = 2


def figures_agree(shorter: Figures | None, longer: Figures | None) -> bool:
    """True when every figure of the shorter text is in the longer one, each taking
    its own: the same number with the same character on at least one side of it.

    A copy that drops a sentence keeps the figures it still states, so it passes;
    one that changed a number ("12起 … 12起" → "18起 … 12起") does not, even where
    the new number is stated elsewhere in the text.
    """
    if shorter is None:
        return True
    if longer is None:
        return not shorter.held(shorter.length + 1)
    cut = shorter.marked_cut != longer.marked_cut  # one of them cut from the other
    if not cut and abs(shorter.length - longer.length) <= SAME_LENGTH:
        return _held_in(shorter, longer) and _held_in(longer, shorter)
    return _held_in(shorter, longer)


def _held_in(shorter: Figures, longer: Figures) -> bool:
    free: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for before, number, after in longer.stated:
        free[number].append((before, after))
    # Each distinct figure of the shorter text takes one of the longer's (a title that
    # repeats a figure of the body states it once); exact figures first, so a figure
    # matched by one side only does not take another's place.
    loose = []
    for before, number, after in dict.fromkeys(shorter.held(longer.length)):
        sides = free.get(number)
        if not sides:
            return False
        if (before, after) in sides:
            sides.remove((before, after))
        else:
            loose.append((before, number, after))
    for before, number, after in loose:
        sides = free[number]
        side = next((s for s in sides if s[0] == before or s[1] == after), None)
        if side is None:
            return False
        sides.remove(side)
    return True
