"""The report model: plain JSON that every renderer reads and every version keeps.

A report's content is a dict::

    {"format": 1, "kind": "daily", "title": …, "window": {"start", "end", "label"},
     "figures": {key: {"label", "value", "unit"}},
     "sections": [{"key", "heading", "blocks": [block, …]}],
     "charts": {name: {"title", "kind", "labels", "values"}},
     "editor": {"judgement": …, "suggestions": …, "next_steps": …}}

A block is a paragraph ``{"type": "para", "parts": [text | {"fig": key}]}`` (with
``"style": "note"`` for a footnote), a
sub-heading ``{"type": "heading", "text"}``, a table ``{"type": "table", "columns",
"rows"}`` whose cells are text or ``{"text", "fig"}`` / ``{"text", "href"}``, or a chart
``{"type": "chart", "chart": name}``. A ``fig`` names a figure whose records
:mod:`yuqing.reports.records` lists, so every number leads to what it counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT = 1
EDITOR_SECTIONS = {
    "judgement": "研判",
    "suggestions": "对策建议",
    "next_steps": "下一步工作",
}
Part = str | dict[str, str]
Cell = str | int | float | dict[str, str]


def number_text(value: float | int) -> str:
    """12 → "12", 3.5 → "3.5", 12.0 → "12"."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def fig_cell(value: float | int, key: str) -> dict[str, str]:
    return {"text": number_text(value), "fig": key}


def link_cell(text: str, href: str) -> dict[str, str]:
    return {"text": text, "href": href}


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def para(self, *parts: Part) -> None:
        self.blocks.append({"type": "para", "parts": list(parts)})

    def note(self, text: str) -> None:
        """A footnote to the section (printed smaller)."""
        self.blocks.append({"type": "para", "parts": [text], "style": "note"})

    def subheading(self, text: str) -> None:
        self.blocks.append({"type": "heading", "text": text})

    def table(self, columns: list[str], rows: Sequence[Sequence[Cell]]) -> None:
        self.blocks.append({"type": "table", "columns": columns, "rows": [list(r) for r in rows]})

    def chart(self, name: str) -> None:
        self.blocks.append({"type": "chart", "chart": name})

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "heading": self.heading, "blocks": self.blocks}


@dataclass
class Builder:
    """Collects figures, sections and charts while a report is assembled."""

    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def fig(self, key: str, label: str, value: float | int, unit: str = "条") -> dict[str, str]:
        """Record a figure and return the paragraph part that shows it."""
        self.figures[key] = {"label": label, "value": value, "unit": unit}
        return {"fig": key}

    def section(self, key: str, heading: str) -> Section:
        section = Section(key, heading)
        self.sections.append(section)
        return section

    def add_chart(
        self, name: str, title: str, kind: str, pairs: Sequence[tuple[str, int | float]]
    ) -> None:
        self.charts[name] = {
            "title": title,
            "kind": kind,
            "labels": [label for label, _ in pairs],
            "values": [value for _, value in pairs],
        }

    def content(
        self, kind: str, title: str, window: dict[str, str], editor: dict[str, str] | None
    ) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": kind,
            "title": title,
            "window": window,
            "figures": self.figures,
            "sections": [s.as_json() for s in self.sections],
            "charts": self.charts,
            "editor": {k: (editor or {}).get(k, "") for k in EDITOR_SECTIONS},
        }


def part_text(part: Part, figures: dict[str, dict[str, Any]]) -> str:
    """A paragraph part as plain text (figures as their numbers)."""
    if isinstance(part, str):
        return part
    figure = figures.get(part.get("fig", ""))
    return number_text(figure["value"]) if figure else "—"


def cell_text(cell: Cell) -> str:
    if isinstance(cell, dict):
        return cell.get("text", "")
    if isinstance(cell, float | int):
        return number_text(cell)
    return cell


def editor_paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
