"""The searched words marked in what a page shows of an item (title, snippet).

Words are compared in matching form (simplified, half-width, lower case), one
character at a time, so 口罩 marks 口罩 in a traditional-script post as well."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from yuqing.text import matching_form

SNIPPET = 140


def marks_for(query: str, rule_terms: list[str] | None = None) -> list[str]:
    """The words to mark: a rule's own terms, or the plain words typed."""
    words = rule_terms if rule_terms is not None else re.split(r"\s+", query)
    parts = {p for w in words for p in matching_form(w).split(" ") if p.strip()}
    return sorted(parts, key=len, reverse=True)


@lru_cache(maxsize=16_384)
def _char_form(char: str) -> str:
    # Kept per character: folding each character of a page's 50 snippets afresh
    # through OpenCC was most of a search page's CPU (about 200 of 330 ms).
    return matching_form(char) or char


def _spans(text: str, marks: list[str]) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every mark, overlaps merged."""
    folded: list[str] = []
    owner: list[int] = []  # index in text of each folded character
    for index, char in enumerate(text):
        form = _char_form(char)
        folded.extend(form)
        owner.extend([index] * len(form))
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for mark in marks:
        for found in re.finditer(re.escape(mark), haystack):
            spans.append((owner[found.start()], owner[found.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str | None, marks: list[str]) -> Markup:
    """``text`` escaped, with each mark wrapped in <mark>."""
    text = text or ""
    if not marks:
        return escape(text)
    out: list[str] = []
    last = 0
    for start, end in _spans(text, marks):
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def snippet(text: str | None, marks: list[str], width: int = SNIPPET) -> Markup:
    """About ``width`` characters of ``text`` around the first mark, marked."""
    text = text or ""
    spans = _spans(text, marks) if marks else []
    start = max(0, spans[0][0] - width // 4) if spans else 0
    piece = text[start : start + width]
    lead = "…" if start else ""
    tail = "…" if start + width < len(text) else ""
    return Markup(lead) + highlight(piece, marks) + Markup(tail)
