"""The formats: DOCX in the 公文 layout (checked with python-docx; how LibreOffice lays
it out is measured in test_pages), PDF whose text carries the right figures
(pdftotext), HTML, Markdown."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from tests.reports.seed import DAY, END, TZ, seed
from yuqing.reports import workflow as wf
from yuqing.reports.adoption import adopt_into
from yuqing.reports.document import Document
from yuqing.reports.render import load_document, render
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.windows import daily_window
from yuqing.store.db import Database

NOW = END + timedelta(hours=1)
UNIT = "测试市舆情专班"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run scripts/setup (it installs LibreOffice and poppler)")
    return found


@pytest.fixture
def issued(sqlite_db: Database) -> Document:
    """The seeded daily report, edited, adopted into, signed and issued as 第1期."""
    db = sqlite_db
    with db.transaction() as session:
        world = seed(session)
        ensure_default_series(session, UNIT)
        report = wf.create_draft(
            session, get_series(session, "daily"), daily_window(DAY, TZ), wf.SYSTEM, NOW
        )
        wf.edit_sections(
            session,
            report.id,
            wf.SYSTEM,
            {
                "judgement": "物价话题热度上升。",
                "suggestions": "加强引导。",
                "next_steps": "持续监测。",
            },
        )
        adopt_into(session, report.id, [world.field_report_id], wf.SYSTEM, TZ, NOW)
        wf.submit(session, report.id, wf.SYSTEM)
        wf.approve(session, report.id, wf.SYSTEM)
        signer = wf.Actor(None, "王签发", frozenset())
        wf.issue(session, report.id, signer, NOW)
        report_id = report.id
    with db.reading() as session:
        return load_document(session, report_id, TZ, UNIT)


def east_asian(element: object) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts"))  # type: ignore[attr-defined]
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def style_name(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def test_docx_has_the_official_document_layout(issued: Document) -> None:
    document = docx.Document(io.BytesIO(render(issued, "docx").data))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) if m is not None else None for m in sizes] == [210, 297]
    assert [round(m.mm) if m is not None else None for m in margins] == [37, 35, 28, 26]
    styles = document.styles
    assert east_asian(styles["Title"].element) == "方正小标宋简体"
    assert styles["Title"].font.size == Pt(22)
    assert east_asian(styles["Normal"].element) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert east_asian(styles["Heading 1"].element) == "黑体"
    assert east_asian(styles["Heading 2"].element) == "楷体_GB2312"
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    # The issue header: series, 第N期 and signer, issuing unit and date, the red rule.
    assert texts[0] == "舆情日报" and paragraphs[0].runs[0].font.color.rgb == docx.shared.RGBColor(
        0xC0, 0, 0
    )
    assert texts[1] == "第1期\t签发人：王签发"
    assert texts[2] == f"{UNIT}\t2026年11月17日"
    rule = paragraphs[2]._p.find(qn("w:pPr") + "/" + qn("w:pBdr") + "/" + qn("w:bottom"))
    assert rule is not None and rule.get(qn("w:color")) == "C00000"
    title = next(p for p in paragraphs if style_name(p) == "Title")
    assert title.text == "2026年11月17日舆情日报"
    headings = [p.text for p in paragraphs if style_name(p) == "Heading 1"]
    assert headings[0] == "一、舆情总体情况"
    assert headings[-3:] == ["七、研判", "八、对策建议", "九、下一步工作"]
    assert any(style_name(p) == "Heading 2" and p.text == "（一）热点事件" for p in paragraphs)
    assert any("共监测到相关公开信息10条" in t for t in texts)
    assert any("【昆都仑区】群众反映检测点排队时间长" in t for t in texts)
    # Volume, topics, the map of the two districts (in place of the places' bars) and the
    # word cloud.
    assert len(document.inline_shapes) == 4
    # Tables: fixed widths filling the type area, the header row repeated on each page.
    for table in document.tables:
        assert sum(c.width for c in table.columns) == pytest.approx(Mm(156), rel=0.01)
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    # Pictures sit in paragraphs of single spacing (a fixed line would clip them).
    for shape_paragraph in (p for p in paragraphs if p._p.xpath(".//w:drawing")):
        assert shape_paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert footer.alignment == WD_ALIGN_PARAGRAPH.RIGHT  # odd pages: outer edge is the right
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert "PAGE" in "".join(t.text or "" for t in footer._p.iter(qn("w:instrText")))


def test_pdf_text_carries_the_right_figures(issued: Document, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(issued, "pdf").data)
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    for phrase in (
        "舆情日报",
        "第1期",
        "签发人：王签发",
        "共监测到相关公开信息10条，其中涉疫信息7条（占70.0%），涉及本地信息6条",
        "负面5条，中性3条，正面2条",
        "本期经核实确认涉及已知谣言的信息2条（涉及谣言1条、事件1个）；"
        "疑似涉谣、待核实的信息1条（涉及谣言0条、事件0个）；发布辟谣澄清1条",
        "本期新交办诉求2件，部门回复1件，超期未办结2件",
        "收到信息员报送1条、零报告1份，本报告采用1条；迟报1家次，缺报1家次",
        "宣传单份50150",
        "物价话题热度上升。",
        "—1—",
    ):
        assert phrase in flat, phrase


def test_html_draws_charts_with_echarts_and_markdown_reads_plainly(issued: Document) -> None:
    html = render(issued, "html").data.decode("utf-8")
    assert 'data-report-chart="chart-volume"' in html
    # ECharts, echarts-wordcloud and reports.js inline
    assert "echarts" in html and html.count("<script>") == 3
    assert "<a " not in html.split("<body>")[1].split("<script>")[0]  # no links to the desk
    markdown = render(issued, "md").data.decode("utf-8")
    assert markdown.startswith("**舆情日报**  第1期")
    assert "| 宣传单 | 份 | 50 | 150 |" in markdown
    assert "签发人：王签发" in markdown
