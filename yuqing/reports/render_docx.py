"""DOCX in the 公文 layout of GB/T 9704 (python-docx): A4 with its margins, the red
issue header (版头) and separator line, title in 小标宋 二号, body in 仿宋 三号, level-1
headings in 黑体 and level-2 in 楷体, page numbers "— N —" centred in the footer.

Chinese font names are set as east-Asian fonts (w:rFonts w:eastAsia); a machine
without 方正小标宋简体 or 仿宋_GB2312 substitutes, the names stay in the document.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from yuqing.reports.charts import chart_png
from yuqing.reports.content import cell_text, part_text
from yuqing.reports.document import Document

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_1_FONT = "黑体"
HEADING_2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号
WIDE_TABLE = 6  # columns
RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # mm, GB/T 9704


def east_asian(element: Any, name: str, latin: str = LATIN_FONT) -> None:
    """Set the east-Asian (and Latin) font of a run or style element."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _style(docx: DocxDocument, name: str, font: str, size: Pt, *, centred: bool = False) -> None:
    style = docx.styles[name]
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = BLACK
    style.font.name = LATIN_FONT
    east_asian(style.element, font)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = Pt(29)
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Keep the template's theme fonts from overriding ours.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _page_setup(docx: DocxDocument) -> None:
    section = docx.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    _styles(docx)
    _page_number(section.footer.paragraphs[0])


def _styles(docx: DocxDocument) -> None:
    _style(docx, "Normal", BODY_FONT, SIZE_3)
    docx.styles["Normal"].paragraph_format.first_line_indent = Pt(32)
    _style(docx, "Title", TITLE_FONT, SIZE_2, centred=True)
    docx.styles["Title"].paragraph_format.first_line_indent = Pt(0)
    docx.styles["Title"].paragraph_format.line_spacing = Pt(36)
    _no_border(docx.styles["Title"].element)
    _style(docx, "Heading 1", HEADING_1_FONT, SIZE_3)
    _style(docx, "Heading 2", HEADING_2_FONT, SIZE_3)
    for name in ("Heading 1", "Heading 2"):
        docx.styles[name].paragraph_format.first_line_indent = Pt(32)


def _no_border(style_element: Any) -> None:
    ppr = style_element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _field(run: Run, instruction: str) -> None:
    """A Word field (PAGE …) inside ``run``."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            if kind == "separate":
                run._r.append(element)
                placeholder = OxmlElement("w:t")
                placeholder.text = "1"
                run._r.append(placeholder)
                continue
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _page_number(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "")
        run.font.size = SIZE_4
        east_asian(run._r, PAGE_NUMBER_FONT)
        if text is None:
            _field(run, "PAGE")


def _run(paragraph: Paragraph, text: str, font: str, size: Pt, *, red: bool = False) -> Run:
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.color.rgb = RED if red else BLACK
    east_asian(run._r, font)
    return run


def _centred(docx: DocxDocument) -> Paragraph:
    paragraph = docx.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    return paragraph


def _red_rule(paragraph: Paragraph) -> None:
    """The red separator line under the issue header (a bottom border)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "1"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _header(docx: DocxDocument, doc: Document) -> None:
    banner = _centred(docx)
    banner.paragraph_format.line_spacing = Pt(60)
    _run(banner, doc.series_name, TITLE_FONT, Pt(42), red=True)
    _run(_centred(docx), doc.number_label, BODY_FONT, SIZE_3)
    line = docx.add_paragraph()
    line.paragraph_format.first_line_indent = Pt(0)
    width = Mm(210 - MARGINS["left"] - MARGINS["right"])
    line.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    signer = f"　　签发人：{doc.signer}" if doc.signer else ""
    _run(line, f"{doc.issuing_unit}{signer}\t{doc.date_label}", BODY_FONT, SIZE_3)
    _red_rule(line)


def _table(docx: DocxDocument, block: dict[str, Any], doc: Document) -> None:
    table = docx.add_table(rows=1, cols=len(block["columns"]))
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Wide tables (the bulletin's ranking) in 五号 so that a number fits its column.
    size = SIZE_5 if len(block["columns"]) > WIDE_TABLE else SIZE_SMALL_4
    for cell, text in zip(table.rows[0].cells, block["columns"], strict=True):
        _cell(cell, text, size, bold=True)
    for row in block["rows"]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            _cell(cell, cell_text(value), size)


def _cell(cell: Any, text: str, size: Pt, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(18)
    run = _run(paragraph, text, BODY_FONT, size)
    run.bold = bold


def _blocks(
    docx: DocxDocument, doc: Document, blocks: list[dict[str, Any]], pngs: dict[str, bytes]
) -> None:
    for block in blocks:
        kind = block.get("type")
        if kind == "para":
            docx.add_paragraph("".join(part_text(p, doc.figures) for p in block["parts"]))
        elif kind == "heading":
            docx.add_heading(block["text"], level=2)
        elif kind == "table":
            _table(docx, block, doc)
        elif kind == "chart" and block["chart"] in pngs:
            picture = _centred(docx)
            picture.add_run().add_picture(io.BytesIO(pngs[block["chart"]]), width=Mm(150))


def render_docx(doc: Document, pngs: dict[str, bytes] | None = None) -> bytes:
    """The report as a .docx file's bytes; ``pngs`` reuses charts already drawn."""
    if pngs is None:
        pngs = {name: chart_png(data) for name, data in doc.charts.items()}
    docx = new_docx()
    _page_setup(docx)
    _header(docx, doc)
    docx.add_heading(doc.title, level=0)
    window = _centred(docx)
    _run(window, f"（{doc.window_caption}：{doc.window_label}）", HEADING_2_FONT, SIZE_3)
    for section in doc.sections:
        docx.add_heading(section["heading"], level=1)
        _blocks(docx, doc, section["blocks"], pngs)
    if doc.issued:
        signed = docx.add_paragraph(f"签发人：{doc.signer}　　签发时间：{doc.issued_label}")
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
