"""The issued daily report and a special report on a rumour event, looked at as a signer
would: each rendered (the DOCX through LibreOffice, the PDF through WeasyPrint), its
pages rasterised, and the pictures and words measured where they landed.

Two LibreOffice conversions in all: one per report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.reports import pages as pg
from tests.reports.seed import DAY, EDITOR_TEXT, END, TZ, seed
from yuqing.reports import workflow as wf
from yuqing.reports.charts import WIDTH, chart_height
from yuqing.reports.document import Document
from yuqing.reports.render import load_document, render
from yuqing.reports.series import ensure_default_series, get_series
from yuqing.reports.special import event_window
from yuqing.reports.view_charts import report_chart_png
from yuqing.reports.windows import daily_window
from yuqing.store.db import Database

NOW = END + timedelta(hours=1)
UNIT = "测试市舆情专班"
COPY_TO = ("市委宣传部", "市卫生健康委员会")
MM = 72 / 25.4
TYPE_WIDTH = 156 * MM
TYPE_TOP, TYPE_BOTTOM = 37 * MM, (297 - 35) * MM


def _issue(session: Session, report_id: int) -> None:
    signer = wf.Actor(None, "王签发", frozenset())
    wf.edit_sections(session, report_id, wf.SYSTEM, EDITOR_TEXT)
    wf.submit(session, report_id, wf.SYSTEM)
    wf.approve(session, report_id, wf.SYSTEM)
    wf.issue(session, report_id, signer, NOW)


def issued_reports(db: Database) -> dict[str, Document]:
    with db.transaction() as session:
        world = seed(session)
        ensure_default_series(session, UNIT)
        daily = wf.create_draft(
            session, get_series(session, "daily"), daily_window(DAY, TZ), wf.SYSTEM, NOW
        )
        window = event_window(session, world.event_id, TZ)[1]
        special = wf.create_draft(
            session, get_series(session, "special"), window, wf.SYSTEM, NOW, world.event_id
        )
        for report in (daily, special):
            _issue(session, report.id)
        ids = {"daily": daily.id, "special": special.id}
    with db.reading() as session:
        return {k: load_document(session, i, TZ, UNIT, copy_to=COPY_TO) for k, i in ids.items()}


@dataclass(frozen=True)
class Rendered:
    doc: Document
    pdf: Path
    folder: Path


@pytest.fixture(params=["daily", "special"])
def rendered(request: pytest.FixtureRequest, sqlite_db: Database, tmp_path: Path) -> list[Rendered]:
    """One report in both page formats."""
    return render_both(issued_reports(sqlite_db)[request.param], tmp_path)


def chart_order(doc: Document) -> list[str]:
    return [b["chart"] for s in doc.sections for b in s["blocks"] if b.get("type") == "chart"]


def check_charts(r: Rendered) -> None:
    """Every chart placed at the type area's width and its own height, none overlapping
    another, and drawn whole: its ink spans as much of it on the page as in the picture
    (a chart clipped to a strip shows a sliver)."""
    boxes = sorted(pg.pictures(r.pdf, r.folder), key=lambda b: (b.page, b.top))
    names = chart_order(r.doc)
    assert len(boxes) == len(names) == len(r.doc.charts), r.pdf
    for box, name in zip(boxes, names, strict=True):
        chart = r.doc.charts[name]
        assert box.width == pytest.approx(TYPE_WIDTH, rel=0.03), (name, box)
        assert box.height == pytest.approx(box.width * chart_height(chart) / WIDTH, rel=0.04)
        assert not any(box.overlaps(other) for other in boxes if other != box), (name, box)
        png = report_chart_png(chart)
        assert png is not None, name
        own = pg.own_share(png)
        assert pg.drawn_share(r.pdf, box) == pytest.approx(own, abs=0.05), (name, box)


def check_first_page(r: Rendered) -> None:
    """Page 1 is filled down to at least 60 % of the type area when the report runs on."""
    pages = pg.pages(r.pdf)
    assert pages.count >= 2
    lowest = pg.last_ink(r.pdf, 1, TYPE_TOP, TYPE_BOTTOM)
    assert lowest > TYPE_TOP + 0.6 * (TYPE_BOTTOM - TYPE_TOP), lowest


def check_page_numbers(r: Rendered) -> None:
    """ "— N —" under the type area on every page: odd pages right, even pages left."""
    pages = pg.pages(r.pdf)
    found = pg.words(r.pdf)
    for page in range(1, pages.count + 1):
        footer = [w for w in found if w.page == page and w.top > TYPE_BOTTOM]
        number = [w for w in footer if w.text == str(page)]
        assert len(number) == 1, (page, [w.text for w in footer])
        middle = (number[0].left + number[0].right) / 2
        if page % 2:
            assert middle > pages.width * 0.7, (page, middle)
        else:
            assert middle < pages.width * 0.3, (page, middle)
        assert [w.text for w in footer] == ["—", str(page), "—"], page


def check_imprint(r: Rendered) -> None:
    """The 版记 closes the last page: 抄送, the issuing unit and the day it was printed,
    below everything else on it."""
    last = pg.pages(r.pdf).count
    text = pg.page_text(r.pdf, last)
    unit = r.doc.issuing_unit
    assert f"抄送：{'，'.join(r.doc.copy_to)}。{unit}" in text
    assert f"{r.doc.date_label}印发" in text
    body = [w for w in pg.words(r.pdf) if w.page == last and w.top < TYPE_BOTTOM]
    printed = next(w for w in body if w.text.endswith("印发"))
    assert printed.top == max(w.top for w in body)
    signer = "".join((r.doc.signer or "").split())  # page_text drops spaces
    assert text.index(f"签发人：{signer}签发时间") < text.index("抄送")


def check_pages(r: Rendered) -> None:
    check_charts(r)
    check_first_page(r)
    check_page_numbers(r)
    check_imprint(r)
    head = pg.page_text(r.pdf, 1)
    assert (
        head.startswith(f"{r.doc.series_name}第") and r.doc.issuing_unit + r.doc.date_label in head
    )


def render_both(doc: Document, folder: Path) -> list[Rendered]:
    """The DOCX as LibreOffice lays it out, and the PDF."""
    office, weasy = folder / "docx", folder / "pdf"
    office.mkdir()
    weasy.mkdir()
    (weasy / "report.pdf").write_bytes(render(doc, "pdf").data)
    return [
        Rendered(doc, pg.docx_to_pdf(render(doc, "docx").data, office), office),
        Rendered(doc, weasy / "report.pdf", weasy),
    ]


def test_issued_reports_render_as_designed_in_both_page_formats(
    rendered: list[Rendered],
) -> None:
    for r in rendered:
        check_pages(r)
