"""The map of places and the word cloud in the 日报 and the 专报: pictures in the DOCX and
the PDF, ECharts in the HTML, and tables whose figures are the database's."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx
from sqlalchemy import func, select

from tests.reports import pages as pg
from tests.reports.seed import DAY, TZ
from tests.reports.test_pages import issued_reports
from tests.reports.test_render import tool
from yuqing.reports.content import cell_text
from yuqing.reports.document import Document
from yuqing.reports.render import render
from yuqing.reports.render_html import render_body
from yuqing.reports.special import event_window
from yuqing.reports.view_charts import report_chart_png
from yuqing.reports.windows import Window, daily_window
from yuqing.store.db import Database
from yuqing.store.models import Item, ItemPlace, Report
from yuqing.text import matching_form

OPENING = 140  # what key terms read of a post (yuqing.analyse.keyterms.OPENING_CHARS)


@pytest.fixture
def docs(sqlite_db: Database) -> dict[str, Document]:
    return issued_reports(sqlite_db)


def _window(db: Database, doc: Document) -> tuple[Window, int | None]:
    with db.reading() as session:
        report = session.get(Report, doc.report_id)
        assert report is not None
        if report.event_id is None:
            return daily_window(DAY, TZ), None
        return event_window(session, report.event_id, TZ)[1], report.event_id


def _tables(doc: Document, first_column: str) -> list[dict[str, object]]:
    return [
        b
        for s in doc.sections
        for b in s["blocks"]
        if b.get("type") == "table" and b["columns"][0] == first_column
    ]


@pytest.mark.parametrize("kind", ["daily", "special"])
def test_the_map_and_the_cloud_are_pictures_in_docx_and_pdf(
    kind: str, docs: dict[str, Document], tmp_path: Path
) -> None:
    doc = docs[kind]
    assert doc.charts["map"]["kind"] == "map" and doc.charts["cloud"]["kind"] == "cloud"
    pngs = {name: report_chart_png(chart) for name, chart in doc.charts.items()}
    assert all(png is not None for png in pngs.values())
    docx = open_docx(io.BytesIO(render(doc, "docx").data))
    assert len(docx.inline_shapes) == len(doc.charts)
    images = {
        hashlib.sha1(part.blob).hexdigest()
        for part in docx.part.package.parts
        if part.content_type == "image/png"
    }
    for name in ("map", "cloud"):
        png = pngs[name]
        assert png is not None and hashlib.sha1(png).hexdigest() in images, name
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(render(doc, "pdf").data)
    listed = subprocess.run(
        [tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len([row for row in listed if row.split()[2] == "image"]) == len(doc.charts)
    # Each picture on the page holds ink where the map's and the cloud's PNG do.
    boxes = sorted(pg.pictures(pdf, tmp_path), key=lambda b: (b.page, b.top))
    order = [b["chart"] for s in doc.sections for b in s["blocks"] if b.get("type") == "chart"]
    for box, name in zip(boxes, order, strict=True):
        if name in ("map", "cloud"):
            png = pngs[name]
            assert png is not None
            own = pg.own_share(png)
            assert own > 0.2 and pg.drawn_share(pdf, box) == pytest.approx(own, abs=0.05)


@pytest.mark.parametrize("kind", ["daily", "special"])
def test_the_tables_beside_map_and_cloud_hold_the_databases_counts(
    kind: str, docs: dict[str, Document], sqlite_db: Database
) -> None:
    doc = docs[kind]
    window, event_id = _window(sqlite_db, doc)
    where = [Item.published_at >= window.start, Item.published_at < window.end]
    if event_id is not None:
        where.append(Item.event_id == event_id)
    with sqlite_db.reading() as session:
        mentions = dict(
            session.execute(
                select(ItemPlace.code, func.count())
                .join(Item, Item.id == ItemPlace.item_id)
                .where(*where)
                .group_by(ItemPlace.code)
            ).all()
        )
        query = select(Item.text_norm).where(*where)
        if kind == "daily":  # a period's terms read originals, an event's its copies too
            query = query.where(Item.duplicate_of_id.is_(None))
        texts = [matching_form(t[:OPENING]) for t in session.scalars(query).all()]
    # The map: each region (here the districts themselves) with the items mentioning it.
    chart = doc.charts["map"]
    assert dict(zip(chart["codes"], chart["values"], strict=True)) == mentions
    assert chart["map"] == "150200" and set(chart["labels"]) == {"昆都仑区", "青山区"}
    # The places' table: one row per place, its count linked to the records it counts.
    (places,) = _tables(doc, "地域")
    rows = places["rows"]
    assert isinstance(rows, list)
    shown = {row[1]["fig"].split(":")[-1]: int(cell_text(row[1])) for row in rows}
    assert shown == mentions
    # The key terms: the cloud and the table count the posts holding each term.
    cloud = doc.charts["cloud"]
    assert cloud["labels"] and all(
        n == sum(term in text for text in texts)
        for term, n in zip(cloud["labels"], cloud["values"], strict=True)
    )
    (terms,) = _tables(doc, "关键词")
    rows = terms["rows"]
    assert isinstance(rows, list) and rows
    for term, posts, _ in rows:
        assert int(posts) == sum(term in text for text in texts), term


def test_the_html_download_draws_map_and_cloud_offline(docs: dict[str, Document]) -> None:
    html = render(docs["daily"], "html").data.decode("utf-8")
    block = html.split('<script type="application/json" id="chart-map">')[1].split("</script>")[0]
    data = json.loads(block.replace("<\\/", "</"))
    assert data["kind"] == "map" and data["geoJSON"]["features"]  # the boundaries carried
    assert 'data-report-chart="chart-cloud"' in html and "wordCloud" in html
    assert "/maps/" not in block  # nothing fetched from the desk


def test_the_web_view_of_a_report_reads_the_boundaries_from_the_site(
    docs: dict[str, Document],
) -> None:
    body = str(render_body(docs["special"], links=True, charts="echarts"))
    block = body.split('<script type="application/json" id="chart-map">')[1].split("</script>")[0]
    data = json.loads(block)
    assert data["geo"] == "/maps/150200.json" and "geoJSON" not in data
    assert data["labels"] == ["昆都仑区", "青山区"] and data["own"] == [False, False]
