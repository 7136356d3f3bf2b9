"""The grams of the item search index and the query terms that match them, as FTS5
and PostgreSQL ``tsquery``/``tsvector`` text (see ``yuqing.store.search``).

Text is indexed as character bigrams: every run of Han characters becomes its
overlapping bigrams followed by its last character alone ("核酸检测" → 核酸 酸检
检测 测); other letters and digits become whole lower-case words. A query of two or
more Han characters is the phrase of its bigrams; a single character is a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(f"[^\\W_{HAN}]+")
_RUN = re.compile(f"([{HAN}]+)|([^\\W_{HAN}]+)")
MAX_WORD = 40
# tsvector limits: positions above 16383 are clamped, at most 256 positions a lexeme.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 256


def gram_tokens(norm_text: str) -> list[str]:
    """The index tokens of a text in matching form, in order."""
    tokens: list[str] = []
    append, extend = tokens.append, tokens.extend
    # One pass over the text: each match is a Han run or a run of other letters/digits.
    for han, word in _RUN.findall(norm_text):
        if han:
            extend([han[i : i + 2] for i in range(len(han) - 1)])
            append(han[-1])
        else:
            append(word[:MAX_WORD])
    return tokens


@dataclass(frozen=True)
class Term:
    """One part of a query: a phrase of bigrams, or a prefix (one Han char or a word)."""

    kind: Literal["phrase", "prefix"]
    tokens: tuple[str, ...]


def query_terms(norm_query: str) -> list[Term]:
    """Split a query in matching form into terms that must all match."""
    terms: list[Term] = []
    for chunk in norm_query.split():
        pos = 0
        for run in _HAN_RUN.finditer(chunk):
            terms.extend(_word_terms(chunk[pos : run.start()]))
            chars = run.group()
            if len(chars) == 1:
                terms.append(Term("prefix", (chars,)))
            else:
                terms.append(Term("phrase", tuple(chars[i : i + 2] for i in range(len(chars) - 1))))
            pos = run.end()
        terms.extend(_word_terms(chunk[pos:]))
    return terms


def _word_terms(segment: str) -> list[Term]:
    return [Term("prefix", (word[:MAX_WORD],)) for word in _WORD.findall(segment)]


def fts5_match(terms: Sequence[Term]) -> str:
    """An FTS5 MATCH expression; tokens are letters and digits only, so quoting is safe."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.tokens) + '"'
        parts.append(quoted + "*" if term.kind == "prefix" else quoted)
    return " AND ".join(parts)


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsquery(terms: Sequence[Term]) -> str:
    parts = []
    for term in terms:
        if term.kind == "prefix":
            parts.append(_pg_lexeme(term.tokens[0]) + ":*")
        else:
            parts.append("(" + " <-> ".join(_pg_lexeme(t) for t in term.tokens) + ")")
    return " & ".join(parts)


def pg_tsvector(norm_text: str) -> str:
    """A tsvector literal of the text's grams with their positions."""
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(gram_tokens(norm_text), start=1):
        slots = positions.setdefault(token, [])
        if len(slots) < PG_MAX_POSITIONS_PER_LEXEME:
            slots.append(min(index, PG_MAX_POSITION))
    return " ".join(
        f"{_pg_lexeme(tok)}:{','.join(map(str, sorted(set(pos))))}"
        for tok, pos in positions.items()
    )
