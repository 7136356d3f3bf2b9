"""The syntax tree of a watch rule, as the parser builds it and the matcher walks it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Literal:
    """A word or phrase; ``parts`` are its whitespace-separated words in matching form.

    One part is a plain substring; several are a phrase whose gaps match one space,
    or nothing where a gap touches a Chinese character."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.parts)


@dataclass(frozen=True, slots=True)
class Field:
    """``source``, ``place``, ``topic``, ``lang`` or ``outlet`` equal to ``value``
    (matching form; ``outlet`` is ``true`` or ``false``)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Title:
    """``title:``: the literal occurs in the title."""

    literal: Literal


@dataclass(frozen=True, slots=True)
class Near:
    left: Literal
    right: Literal
    distance: int


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Literal | Field | Title | Near | Not | And | Or


def make_and(children: list[Node]) -> Node:
    """AND of the children, flattened: ``a AND (b AND c)`` is one three-way AND."""
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, And) else (child,))
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def make_or(children: list[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, Or) else (child,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))
