"""What every renderer prints: the issue header (版头) and the numbered sections of a
report's content, the editor's sections included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from yuqing.reports.content import EDITOR_SECTIONS, editor_paragraphs
from yuqing.store.models import Report, ReportSeries, ReportStatus

NUMERALS = "一二三四五六七八九十"
EMPTY_EDITOR = "（待编辑填写）"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (enough for headings)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def date_label(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日"


@dataclass(frozen=True)
class Document:
    report_id: int
    series_name: str
    number_label: str  # 第N期, or 草稿 before issue
    issuing_unit: str
    date_label: str
    signer: str | None
    issued_label: str | None  # when it was issued, local
    status: str
    title: str
    window_label: str
    sections: list[dict[str, Any]]  # {"heading", "blocks"}; headings numbered
    figures: dict[str, dict[str, Any]]
    charts: dict[str, dict[str, Any]]
    kind: str = "daily"
    copy_to: tuple[str, ...] = ()  # 抄送, printed in the 版记

    @property
    def printed_label(self) -> str:
        """印发日期 of the 版记: the day it was issued (or, for a draft, its date)."""
        return f"{self.date_label}印发"

    @property
    def window_caption(self) -> str:
        """What the window is to the reader: the period assessed, or the one monitored."""
        return "考核期" if self.kind == "bulletin" else "监测时段"

    @property
    def issued(self) -> bool:
        return self.status == ReportStatus.ISSUED.value


def build_document(
    report: Report,
    series: ReportSeries,
    content: dict[str, Any],
    tz: ZoneInfo,
    default_unit: str = "",
    copy_to: tuple[str, ...] = (),
) -> Document:
    """What the renderers print; ``copy_to`` (抄送) unless the series names its own."""
    issued = report.status == ReportStatus.ISSUED.value
    dated = report.issued_at if issued and report.issued_at else report.window_end
    sections = []
    for index, section in enumerate(_all_sections(content, issued), start=1):
        sections.append(
            {
                "key": section["key"],
                "heading": f"{chinese_number(index)}、{section['heading']}",
                "blocks": _numbered(section["blocks"]),
            }
        )
    return Document(
        report_id=report.id,
        series_name=series.name,
        number_label=f"第{report.number}期" if report.number else "（草稿）",
        issuing_unit=series.issuing_unit or default_unit,
        date_label=date_label(dated, tz),
        signer=report.signer_name,
        issued_label=report.issued_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if report.issued_at
        else None,
        status=report.status,
        title=str(content.get("title") or report.title),
        window_label=str(content.get("window", {}).get("label", "")),
        sections=sections,
        figures=content.get("figures", {}),
        charts=content.get("charts", {}),
        kind=str(content.get("kind", series.kind)),
        copy_to=tuple(str(x) for x in series.settings.get("copy_to", copy_to)),
    )


def _all_sections(content: dict[str, Any], issued: bool) -> list[dict[str, Any]]:
    sections = list(content.get("sections", []))
    editor = content.get("editor", {})
    for key, heading in EDITOR_SECTIONS.items():
        paragraphs = editor_paragraphs(editor.get(key, ""))
        if not paragraphs and issued:
            continue
        blocks = [{"type": "para", "parts": [p]} for p in paragraphs or [EMPTY_EDITOR]]
        sections.append({"key": key, "heading": heading, "blocks": blocks})
    return sections


def _numbered(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sub-headings numbered （一）（二）… within their section."""
    count = 0
    out = []
    for block in blocks:
        if block.get("type") == "heading":
            count += 1
            block = {**block, "text": f"（{chinese_number(count)}）{block['text']}"}
        out.append(block)
    return out
