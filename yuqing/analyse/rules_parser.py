"""The watch-rule language: its tokeniser, parser and canonical rendering (the tree
it builds is ``yuqing.analyse.rules_tree``).

A rule is words and quoted phrases joined by ``AND`` (or ``&``, or nothing),
``OR`` (``|``) and ``NOT`` (``-`` before a word), grouped with half- or full-width
parentheses, with ``A NEAR/n B`` for proximity and ``name:value`` fields. ``NOT``
binds tighter than ``AND``, which binds tighter than ``OR``; ``NEAR`` joins two
words or phrases only, so it binds tighter still (``NOT a NEAR b`` negates the pair).

Every word, phrase and field value is stored in matching form
(``yuqing.text.matching_form``), which is what makes the rules indifferent to
script and width. Positions in errors always index the query as typed: the
tokeniser only ever replaces one character by one character, so they never drift.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from yuqing.analyse.rules_tree import (
    And,
    Field,
    Literal,
    Near,
    Node,
    Not,
    Title,
    make_and,
    make_or,
)
from yuqing.errors import QueryError
from yuqing.text import matching_form

MAX_QUERY_CHARS = 10_000
# Nesting of parentheses and NOTs; keeps the recursive parser, renderer and matcher
# far from Python's recursion limit whatever an analyst (or a fuzzer) types.
MAX_DEPTH = 64
DEFAULT_NEAR = 10
MAX_NEAR = 10_000
FIELDS = ("source", "place", "topic", "lang", "outlet", "title")

# Every character whose NFKC form is one of the syntax characters, mapped to it, so
# that what the rule means is what it would mean after normalisation (a full-width
# （ opens a group just as ( does). Curly quotes are added because Chinese input
# methods type them for ".
_SYNTAX = str.maketrans(
    {
        "\u207d": "(", "\u208d": "(", "\ufe35": "(", "\ufe59": "(", "\uff08": "(",
        "\u207e": ")", "\u208e": ")", "\ufe36": ")", "\ufe5a": ")", "\uff09": ")",
        "\uff02": '"', "\u201c": '"', "\u201d": '"',
        "\ufe60": "&", "\uff06": "&",
        "\uff5c": "|",
        "\ufe63": "-", "\uff0d": "-",
        "\ufe13": ":", "\ufe55": ":", "\uff1a": ":",
    }
)  # fmt: skip
_DELIMITERS = frozenset('()"&|')
_KEYWORDS = frozenset({"and", "or", "not", "near"})
_NEAR = re.compile(r"near(?:/(.*))?", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")
_FIELD_NAME = re.compile(r"[a-z]+")
_FIELD_PREFIX = re.compile(r"[a-z]+:")
_TRUE = frozenset({"true", "yes", "1", "是"})
_FALSE = frozenset({"false", "no", "0", "否"})


# --- rendering ---------------------------------------------------------------------


def render(node: Node) -> str:
    """The canonical text of a tree: operators upper case, every AND, OR and NEAR in
    parentheses, words in matching form. Parsing it gives the same tree back."""
    if isinstance(node, Literal):
        return _render_literal(node, as_value=False)
    if isinstance(node, Field):
        return f"{node.name}:{_render_value(node.value)}"
    if isinstance(node, Title):
        return f"title:{_render_literal(node.literal, as_value=True)}"
    if isinstance(node, Near):
        left, right = _render_literal(node.left, False), _render_literal(node.right, False)
        return f"({left} NEAR/{node.distance} {right})"
    if isinstance(node, Not):
        return f"NOT {render(node.child)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(render(child) for child in node.children) + ")"


def _render_literal(literal: Literal, as_value: bool) -> str:
    text = literal.text
    if len(literal.parts) == 1 and (_bare_value(text) if as_value else _bare_word(text)):
        return text
    return _quote(text)


def _render_value(value: str) -> str:
    return value if _bare_value(value) else _quote(value)


def _quote(text: str) -> str:
    return '"' + re.sub(r'([\\"“”])', r"\\\1", text) + '"'


def _bare_value(text: str) -> bool:
    """Whether the text reads back as itself when written unquoted after a field name."""
    return bool(text) and not any(
        ch.isspace() or ch in _DELIMITERS for ch in text.translate(_SYNTAX)
    )


def _bare_word(text: str) -> bool:
    """Whether the text reads back as one word: not an operator, field or NOT prefix."""
    return (
        _bare_value(text)
        and not text.startswith("-")
        and text not in _KEYWORDS
        and not text.startswith("near/")
        and not _FIELD_PREFIX.match(text)
    )


# --- tokens --------------------------------------------------------------------------

LITERAL, FIELD, AND, OR, NOT, NEAR, OPEN, CLOSE, END = (
    "literal", "field", "and", "or", "not", "near", "open", "close", "end"
)  # fmt: skip
_OPERAND_STARTS = frozenset({LITERAL, FIELD, NOT, OPEN})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    pos: int
    text: str  # as typed, for messages
    node: Literal | Field | Title | None = None
    distance: int = DEFAULT_NEAR


def fail(position: int, reason: str) -> QueryError:
    """A QueryError whose message names the 1-based column, as the UI shows it."""
    return QueryError(f"第 {position + 1} 个字符：{reason}", position)


def tokens(query: str) -> Iterator[Token]:
    """The tokens of a query, lazily, so that the parser reports the leftmost error."""
    s = query.translate(_SYNTAX)
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            yield Token(OPEN if ch == "(" else CLOSE, i, query[i])
            i += 1
        elif ch in "&|":
            end = i + 2 if s[i + 1 : i + 2] == ch else i + 1  # && and || read as one
            yield Token(AND if ch == "&" else OR, i, query[i:end])
            i = end
        elif ch == "-":  # only reached at the start of a word: covid-19 stays one word
            yield Token(NOT, i, query[i])
            i += 1
        elif ch == '"':
            content, end = _read_quoted(query, s, i)
            literal = _literal(content)
            if literal is None:
                raise fail(i, "引号内的短语为空")
            yield Token(LITERAL, i, query[i:end], literal)
            i = end
        else:
            end = i
            while end < n and not s[end].isspace() and s[end] not in _DELIMITERS:
                end += 1
            token, i = _word(query, s, i, end)
            if token is not None:
                yield token
    yield Token(END, n, "")


def _read_quoted(query: str, s: str, start: int) -> tuple[str, int]:
    """The unescaped content of the quoted string at ``start`` and the index after it.

    Syntax is read from ``s`` (syntax characters folded), content from ``query``, so an
    escaped curly quote stays curly, as it is in documents."""
    out: list[str] = []
    j = start + 1
    while j < len(s):
        ch = s[j]
        if ch == "\\" and j + 1 < len(s) and s[j + 1] in '"\\':
            out.append(query[j + 1])
            j += 2
        elif ch == '"':
            return "".join(out), j + 1
        else:
            out.append(query[j])
            j += 1
    raise fail(start, "引号没有闭合")


def _literal(raw: str) -> Literal | None:
    parts = tuple(matching_form(raw).split())
    return Literal(parts) if parts else None


def _word(query: str, s: str, start: int, end: int) -> tuple[Token | None, int]:
    """Classify the bare word s[start:end]: operator, field or literal."""
    raw = s[start:end]
    norm = matching_form(raw)
    if norm in ("and", "or", "not"):
        return Token({"and": AND, "or": OR, "not": NOT}[norm], start, query[start:end]), end
    near = _NEAR.fullmatch(norm)
    if near:
        return Token(NEAR, start, query[start:end], distance=_distance(raw, start, near[1])), end
    colon = raw.find(":")
    if colon > 0 and _FIELD_NAME.fullmatch(matching_form(raw[:colon])):
        return _field(query, s, start, end, colon)
    literal = _literal(query[start:end])
    # A word of invisible characters only is no word at all.
    return (Token(LITERAL, start, query[start:end], literal) if literal else None), end


def _distance(raw: str, start: int, written: str | None) -> int:
    if written is None:
        return DEFAULT_NEAR
    # The slash as typed (/ or ／); the fallback only guards exotic compatibility forms.
    slash = next((k for k, ch in enumerate(raw) if unicodedata.normalize("NFKC", ch) == "/"), 3)
    # Length check first: int() refuses very long digit strings with a ValueError.
    if not _DIGITS.fullmatch(written) or len(written) > 6 or int(written) > MAX_NEAR:
        raise fail(start + slash + 1, f"NEAR 的距离应为 0 到 {MAX_NEAR} 之间的整数")
    return int(written)


def _field(query: str, s: str, start: int, end: int, colon: int) -> tuple[Token, int]:
    name = matching_form(s[start : start + colon])
    if name not in FIELDS:
        raise fail(start, f"未知字段 {name}（可用：{'、'.join(FIELDS)}）")
    value_pos = start + colon + 1
    raw_value = query[value_pos:end]
    if not raw_value and end < len(s) and s[end] == '"':
        raw_value, end = _read_quoted(query, s, end)
    token_text = query[start:end]
    if name == "title":
        literal = _literal(raw_value)
        if literal is None:
            raise fail(value_pos, "title: 后面缺少要找的词")
        return Token(FIELD, start, token_text, Title(literal)), end
    value = matching_form(raw_value)
    if not value:
        raise fail(value_pos, f"{name}: 后面缺少值")
    if name == "outlet":
        if value not in _TRUE | _FALSE:
            raise fail(value_pos, "outlet 的值只能是 true 或 false")
        value = "true" if value in _TRUE else "false"
    return Token(FIELD, start, token_text, Field(name, value)), end


# --- parser --------------------------------------------------------------------------


def parse_query(query: str) -> Node:
    """The syntax tree of a rule; raises QueryError pointing at the first problem."""
    if len(query) > MAX_QUERY_CHARS:
        raise fail(MAX_QUERY_CHARS, f"规则过长（最多 {MAX_QUERY_CHARS} 个字符）")
    return _Parser(tokens(query)).parse()


class _Parser:
    """Recursive descent, one token of lookahead:

    query := or END;  or := and (OR and)*;  and := unary ([AND] unary)*
    unary := NOT* near;  near := primary [NEAR primary];  primary := literal | field | ( or )
    """

    def __init__(self, stream: Iterator[Token]) -> None:
        self._stream = stream
        self._next = next(stream)
        self._last: Token | None = None  # the token consumed most recently
        self._depth = 0

    def _peek(self) -> Token:
        return self._next

    def _take(self) -> Token:
        token = self._next
        if token.kind != END:
            self._next = next(self._stream)
        self._last = token
        return token

    def parse(self) -> Node:
        node = self._or()
        token = self._peek()
        if token.kind == CLOSE:
            raise fail(token.pos, "多余的右括号")
        return node  # _or only stops at ), END or a token it reports itself

    def _or(self) -> Node:
        children = [self._and()]
        while self._peek().kind == OR:
            self._take()
            children.append(self._and())
        return make_or(children)

    def _and(self) -> Node:
        children = [self._unary()]
        while True:
            kind = self._peek().kind
            if kind == AND:
                self._take()
            elif kind not in _OPERAND_STARTS:  # anything that starts an operand is an implicit AND
                return make_and(children)
            children.append(self._unary())

    def _unary(self) -> Node:
        nots: list[Token] = []
        while self._peek().kind == NOT:
            nots.append(self._take())
            self._enter(nots[-1])
        node = self._near()
        self._depth -= len(nots)
        for _ in nots:
            node = Not(node)
        return node

    def _near(self) -> Node:
        left_pos = self._peek().pos
        left = self._primary()
        if self._peek().kind != NEAR:
            return left
        op = self._take()
        if not isinstance(left, Literal):
            raise fail(left_pos, "NEAR 两边只能是词语或短语")
        token = self._peek()
        if token.kind in (NOT, FIELD):
            raise fail(token.pos, "NEAR 两边只能是词语或短语")
        right = self._primary()
        if not isinstance(right, Literal):
            raise fail(token.pos, "NEAR 两边只能是词语或短语")
        if self._peek().kind == NEAR:
            raise fail(self._peek().pos, "NEAR 不能连用，请用 AND 连接两组 NEAR")
        return Near(left, right, op.distance)

    def _primary(self) -> Node:
        token = self._peek()
        if token.kind in (LITERAL, FIELD):
            self._take()
            assert token.node is not None  # set on every literal and field token
            return token.node
        if token.kind == OPEN:
            self._take()
            self._enter(token)
            node = self._or()
            if self._peek().kind != CLOSE:
                raise fail(token.pos, "左括号缺少对应的右括号")
            self._take()
            self._depth -= 1
            return node
        raise self._missing_operand(token)

    def _enter(self, token: Token) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise fail(token.pos, f"括号或 NOT 嵌套过深（最多 {MAX_DEPTH} 层）")

    def _missing_operand(self, token: Token) -> QueryError:
        """The error for a place where a word was expected but ``token`` came."""
        last = self._last
        if last is None and token.kind == END:
            return fail(0, "规则为空")
        if last is not None and last.kind in (AND, OR, NOT, NEAR):
            return fail(last.pos, f"{last.text} 后面缺少词语")
        if token.kind in (AND, OR, NEAR):
            return fail(token.pos, f"{token.text} 前面缺少词语")
        if last is not None and last.kind == OPEN:
            if token.kind == CLOSE:
                return fail(last.pos, "括号内为空")
            return fail(last.pos, "左括号缺少对应的右括号")
        return fail(token.pos, "多余的右括号")
