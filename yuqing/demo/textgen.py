"""Pre-compiled text templates and simplified-to-traditional conversion."""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import opencc

# How specific a slot is about place: 0 city-wide, 1 district, 2 town, 3 community.
SLOT_DEPTH: Final[dict[str, int]] = {
    "district": 1,
    "checkpoint": 1,
    "shop": 1,
    "hospital": 1,
    "school": 1,
    "site": 1,
    "town": 2,
    "community": 3,
}


@dataclass(frozen=True, slots=True)
class Template:
    """A text with ``{slot}`` holes, split once so rendering is a cheap join."""

    pieces: tuple[str, ...]  # literal text; always one more than ``slots``
    slots: tuple[str, ...]
    depth: int

    def render(self, value: Callable[[str], str]) -> str:
        """Fill every slot through ``value`` (which should memoise per item)."""
        pieces = self.pieces
        if not self.slots:
            return pieces[0]
        out = [pieces[0]]
        for position, name in enumerate(self.slots, start=1):
            out.append(value(name))
            out.append(pieces[position])
        return "".join(out)


def compile_template(text: str) -> Template:
    """Split ``text`` into literal pieces and slot names."""
    pieces: list[str] = []
    slots: list[str] = []
    pending = ""
    for literal, field_name, _spec, _conversion in string.Formatter().parse(text):
        pending += literal
        if field_name is None:
            continue
        pieces.append(pending)
        slots.append(field_name)
        pending = ""
    pieces.append(pending)
    depth = max((SLOT_DEPTH.get(name, 0) for name in slots), default=0)
    return Template(tuple(pieces), tuple(slots), depth)


def compile_all(texts: Iterable[str]) -> tuple[Template, ...]:
    """Compile a group of template texts."""
    return tuple(compile_template(text) for text in texts)


@functools.cache
def _converter() -> opencc.OpenCC:
    # One converter for the whole process: building it loads dictionaries.
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Convert simplified Chinese text to traditional script."""
    converted: str = _converter().convert(text)
    return converted


@functools.lru_cache(maxsize=4096)
def to_traditional_cached(text: str) -> str:
    """Convert a short, frequently repeated phrase (comments, edit phrases)."""
    converted: str = _converter().convert(text)
    return converted
