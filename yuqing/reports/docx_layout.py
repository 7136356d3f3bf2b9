"""The parts of the 公文 layout python-docx has no call for: page numbers on the outer
edge (GB/T 9704 7.5: "— N —" in 4号 宋体, odd pages right and even pages left, a
character in from the edge), tables that keep their column widths and repeat their
header row, and paragraph borders for the red rule and the 版记 lines."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

PAGE_NUMBER_SIZE = Pt(14)  # 4号
ONE_CHAR = Pt(14)  # the page number sits one character in from the type area's edge
MAX_WEIGHT = 40.0  # characters a column asks for at most
SHORT_COLUMN = 9.0  # columns at most this many characters wide keep their width


def field(run: Run, instruction: str) -> None:
    """A Word field (PAGE …) inside ``run``, showing "1" until a reader updates it."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = "1"
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def page_numbers(docx: DocxDocument, style_run: Any) -> None:
    """Odd pages' number at the right, even pages' at the left (different footers)."""
    docx.settings.odd_and_even_pages_header_footer = True
    section = docx.sections[0]
    for paragraph, odd in (
        (section.footer.paragraphs[0], True),
        (section.even_page_footer.paragraphs[0], False),
    ):
        _page_number(paragraph, odd, style_run)


def _page_number(paragraph: Paragraph, odd: bool, style_run: Any) -> None:
    fmt = paragraph.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = ONE_CHAR
    else:
        fmt.left_indent = ONE_CHAR
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "")
        style_run(run, PAGE_NUMBER_SIZE)
        if text is None:
            field(run, "PAGE")


def border(paragraph: Paragraph, side: str, size_eighths: int, colour: str = "000000") -> None:
    """A line above or below a paragraph (``side`` top or bottom; size in 1/8 pt)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size_eighths)),
        ("w:space", "1"),
        ("w:color", colour),
    ):
        line.set(qn(key), value)
    borders.append(line)


def text_width(text: str) -> float:
    """Width in CJK characters: full-width ones count 1, others about a half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], total: Length, size: Length
) -> list[Emu]:
    """Short columns (numbers, states) as wide as their widest cell, header included,
    so they stay on one line; the long ones share the rest by their length."""
    natural = []
    for i, header in enumerate(columns):
        widest = max([text_width(header), *(text_width(r[i]) for r in rows if i < len(r))])
        natural.append((min(widest, MAX_WEIGHT) + 1.2) * int(size))  # a char of padding
    if sum(natural) <= int(total):
        spare = (int(total) - sum(natural)) / len(natural)
        return [Emu(int(w + spare)) for w in natural]
    short = [w <= SHORT_COLUMN * int(size) for w in natural]
    fixed = sum(w for w, s in zip(natural, short, strict=True) if s)
    if fixed >= int(total):  # every column short and still too wide: share alike
        return [Emu(int(int(total) * w / sum(natural))) for w in natural]
    long_total = sum(w for w, s in zip(natural, short, strict=True) if not s)
    scale = (int(total) - fixed) / long_total
    return [Emu(int(w if s else w * scale)) for w, s in zip(natural, short, strict=True)]


def fix_widths(table: Table, widths: Sequence[Emu]) -> None:
    """Fixed layout with the given column widths, set on the grid and every cell, so
    that Word, WPS and LibreOffice all keep them."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def repeat_header(table: Table) -> None:
    """Rows never split; the first row repeats on every page the table runs onto (and
    its cells keep with the next row, so that it never ends a page alone)."""
    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        if index == 0:
            header = OxmlElement("w:tblHeader")
            tr_pr.append(header)
