"""DOCX in the 公文 layout of GB/T 9704 (python-docx): A4 with its margins, the red
issue header (版头) with the issuing unit and separator line, title in 小标宋 二号, body
in 仿宋 三号 at a fixed 29 pt line, level-1 headings in 黑体 and level-2 in 楷体 (kept
with what follows), tables with set column widths and a repeated header row, charts
the width of the type area in paragraphs of single spacing (a fixed line would clip
them to a strip), page numbers "— N —" on the outer edge, and the 版记 (抄送, 印发机关
and 印发日期) at the end.

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

from yuqing.reports import docx_layout as layout
from yuqing.reports.content import cell_text, part_text
from yuqing.reports.document import Document
from yuqing.reports.view_charts import report_chart_png

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
TYPE_WIDTH = Mm(210 - MARGINS["left"] - MARGINS["right"])  # 156 mm
BODY_LINE = Pt(29)


def east_asian(element: Any, name: str, latin: str = LATIN_FONT) -> None:
    """Set the east-Asian (and Latin) font of a run or style element."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    # Chinese (PRC): a reader without the named font substitutes a simplified-Chinese
    # one, not the Japanese forms LibreOffice otherwise picks (輿 for 舆).
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


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
    paragraph.line_spacing = BODY_LINE
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
    section.footer_distance = Mm(MARGINS["bottom"] - 7)  # the number sits 7 mm below the text
    _styles(docx)
    layout.page_numbers(docx, _page_number_run)


def _page_number_run(run: Run, size: Pt) -> None:
    run.font.size = size
    east_asian(run._r, PAGE_NUMBER_FONT)


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
        docx.styles[name].paragraph_format.keep_with_next = True


def _no_border(style_element: Any) -> None:
    ppr = style_element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


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


def _spread(docx: DocxDocument, left: str, right: str) -> Paragraph:
    """One line with ``left`` at the left edge and ``right`` at the right edge."""
    line = docx.add_paragraph()
    line.paragraph_format.first_line_indent = Pt(0)
    line.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{left}\t{right}", BODY_FONT, SIZE_3)
    return line


def _header(docx: DocxDocument, doc: Document) -> None:
    """版头: the series in red, the issue number (with the signer once signed, GB/T
    9704 7.2.4), then the issuing unit and the date above the red rule."""
    banner = _centred(docx)
    banner.paragraph_format.line_spacing = Pt(60)
    _run(banner, doc.series_name, TITLE_FONT, Pt(42), red=True)
    if doc.signer:
        _spread(docx, doc.number_label, f"签发人：{doc.signer}")
    else:
        _run(_centred(docx), doc.number_label, BODY_FONT, SIZE_3)
    line = _spread(docx, doc.issuing_unit, doc.date_label)
    layout.border(line, "bottom", 12, "C00000")


def _table(docx: DocxDocument, block: dict[str, Any], doc: Document) -> None:
    columns = list(block["columns"])
    rows = [[cell_text(v) for v in row] for row in block["rows"]]
    table = docx.add_table(rows=1, cols=len(columns))
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Wide tables (the bulletin's ranking) in 五号 so that a number fits its column.
    size = SIZE_5 if len(columns) > WIDE_TABLE else SIZE_SMALL_4
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        _cell(cell, text, size, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            _cell(cell, text, size)
    layout.fix_widths(table, layout.column_widths(columns, rows, TYPE_WIDTH, size))
    layout.repeat_header(table)
    _after_table(docx)


def _after_table(docx: DocxDocument) -> None:
    """A small gap below a table, so the next paragraph does not touch its border."""
    gap = docx.add_paragraph()
    gap.paragraph_format.line_spacing = Pt(8)
    gap.paragraph_format.first_line_indent = Pt(0)


def _cell(cell: Any, text: str, size: Pt, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(size.pt * 1.5)
    paragraph.paragraph_format.keep_with_next = bold  # a header row stays with a row
    run = _run(paragraph, text, BODY_FONT, size)
    run.bold = bold


def _picture(docx: DocxDocument, png: bytes) -> None:
    """A chart as wide as the type area, in a paragraph of single spacing: the body's
    fixed 29 pt line would clip the picture to a strip."""
    paragraph = _centred(docx)
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before, fmt.space_after = Pt(3), Pt(6)
    fmt.keep_together = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=TYPE_WIDTH)


def _para(docx: DocxDocument, block: dict[str, Any], doc: Document) -> None:
    text = "".join(part_text(p, doc.figures) for p in block["parts"])
    if block.get("style") != "note":
        docx.add_paragraph(text)
        return
    note = docx.add_paragraph()
    note.paragraph_format.line_spacing = Pt(20)
    _run(note, text, BODY_FONT, SIZE_SMALL_4)


def _blocks(
    docx: DocxDocument, doc: Document, blocks: list[dict[str, Any]], pngs: dict[str, bytes]
) -> None:
    for block in blocks:
        kind = block.get("type")
        if kind == "para":
            _para(docx, block, doc)
        elif kind == "heading":
            docx.add_heading(block["text"], level=2)
        elif kind == "table":
            _table(docx, block, doc)
        elif kind == "chart" and block["chart"] in pngs:
            _picture(docx, pngs[block["chart"]])


def _imprint(docx: DocxDocument, doc: Document) -> None:
    """The 版记: 抄送 between a thick and a thin line, then the issuing unit and the day
    it was printed, closed by a thick line (GB/T 9704 10.2)."""
    spacer = docx.add_paragraph()
    spacer.paragraph_format.space_before = Pt(24)
    spacer.paragraph_format.keep_with_next = True
    rows = []
    if doc.copy_to:
        copy = docx.add_paragraph()
        _run(copy, f"抄送：{'，'.join(doc.copy_to)}。", BODY_FONT, SIZE_4)
        rows.append(copy)
    printed = docx.add_paragraph()
    printed.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
    _run(printed, f"{doc.issuing_unit}\t{doc.printed_label}", BODY_FONT, SIZE_4)
    rows.append(printed)
    for paragraph in rows:
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(14)  # the lines run the full width, the text one in
        fmt.keep_with_next = paragraph is not rows[-1]
    layout.border(rows[0], "top", 8)
    if len(rows) > 1:
        layout.border(rows[0], "bottom", 4)
    layout.border(rows[-1], "bottom", 8)


def render_docx(doc: Document, pngs: dict[str, bytes] | None = None) -> bytes:
    """The report as a .docx file's bytes; ``pngs`` reuses charts already drawn."""
    if pngs is None:
        drawn = {name: report_chart_png(data) for name, data in doc.charts.items()}
        pngs = {name: png for name, png in drawn.items() if png is not None}
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
        signed.paragraph_format.keep_with_next = True  # the 版记 never stands alone
    _imprint(docx, doc)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
