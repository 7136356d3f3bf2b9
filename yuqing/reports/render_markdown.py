"""Markdown: the report as plain text for chat tools and diffs."""

from __future__ import annotations

from typing import Any

from yuqing.reports.content import cell_text, part_text
from yuqing.reports.document import Document


def render_markdown(doc: Document) -> str:
    lines = [
        f"**{doc.series_name}**  {doc.number_label}",
        "",
        f"{doc.issuing_unit}　　{doc.date_label}"
        + (f"　　签发人：{doc.signer}" if doc.signer else ""),
        "",
        f"# {doc.title}",
        "",
        f"*{doc.window_caption}：{doc.window_label}*",
        "",
    ]
    for section in doc.sections:
        lines += [f"## {section['heading']}", ""]
        for block in section["blocks"]:
            lines += _block(block, doc)
    if doc.issued:
        lines += ["---", f"签发人：{doc.signer}　签发时间：{doc.issued_label}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _block(block: dict[str, Any], doc: Document) -> list[str]:
    kind = block.get("type")
    if kind == "para":
        return ["".join(part_text(p, doc.figures) for p in block["parts"]), ""]
    if kind == "heading":
        return [f"### {block['text']}", ""]
    if kind == "table":
        head = "| " + " | ".join(block["columns"]) + " |"
        rule = "|" + "---|" * len(block["columns"])
        rows = [
            "| " + " | ".join(_escape(cell_text(c)) for c in row) + " |" for row in block["rows"]
        ]
        return [head, rule, *rows, ""]
    if kind == "chart":
        chart = doc.charts.get(block["chart"])
        if not chart:
            return []
        pairs = "、".join(
            f"{label} {value}"
            for label, value in zip(chart["labels"], chart["values"], strict=False)
        )
        return [f"*{chart['title']}*：{pairs}", ""] if len(chart["labels"]) <= 12 else []
    return []


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
