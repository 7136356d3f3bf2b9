"""HTML: the web view's body (figures linked to their records, ECharts), the
stand-alone download (ECharts inlined, works offline) and the print page for PDF."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from yuqing.analyse.place_map import boundary
from yuqing.reports.content import number_text
from yuqing.reports.document import Document
from yuqing.reports.view_charts import report_chart_png

# The web app serves these; the stand-alone download carries them inline.
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
CHART_SCRIPTS = (
    STATIC / "vendor" / "echarts.min.js",
    STATIC / "vendor" / "echarts-wordcloud.min.js",
    STATIC / "reports.js",
)


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("yuqing.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def records_link(report_id: int, key: str) -> str:
    return f"/reports/{report_id}/records?key={quote(key, safe=':')}"


def render_body(doc: Document, *, links: bool, charts: str) -> Markup:
    """The document's body. ``charts``: "echarts" (data for reports.js) or "png"."""
    pngs = _chart_pngs(doc) if charts == "png" else {}

    def fig(key: str, shown: str | None = None) -> Markup:
        figure = doc.figures.get(key)
        text = shown or (number_text(figure["value"]) if figure else "—")
        if links and figure:
            title = escape(figure.get("label", ""))
            return Markup('<a class="fig" href="{}" title="{}">{}</a>').format(
                records_link(doc.report_id, key), title, text
            )
        return Markup('<span class="fig">{}</span>').format(text)

    def cell(value: Any) -> Markup:
        if isinstance(value, dict):
            if "fig" in value:
                return fig(value["fig"], value.get("text"))
            if links and value.get("href", "").startswith("/"):
                return Markup('<a href="{}">{}</a>').format(value["href"], value.get("text", ""))
            return escape(value.get("text", ""))
        return escape(number_text(value) if isinstance(value, int | float) else value)

    def chart(name: str) -> Markup:
        data = doc.charts.get(name)
        if not data:
            return Markup("")
        if charts == "png":
            if name not in pngs:
                return Markup("")  # the map without boundaries here: its table stands alone
            encoded = base64.b64encode(pngs[name]).decode("ascii")
            return Markup('<img class="doc-chart" alt="{}" src="data:image/png;base64,{}">').format(
                data["title"], encoded
            )
        data = _with_boundaries(data, inline=not links)
        if data is None:
            return Markup("")
        block = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return Markup(
            '<div class="doc-chart" data-report-chart="chart-{0}" role="img"'
            ' aria-label="{1}"></div>'
            '<script type="application/json" id="chart-{0}">{2}</script>'
        ).format(name, data["title"], Markup(block))

    template = environment().get_template("_body.html")
    return Markup(template.render(doc=doc, fig=fig, cell=cell, chart=chart))


def _chart_pngs(doc: Document) -> dict[str, bytes]:
    drawn = {name: report_chart_png(data) for name, data in doc.charts.items()}
    return {name: png for name, png in drawn.items() if png is not None}


def _with_boundaries(data: dict[str, Any], *, inline: bool) -> dict[str, Any] | None:
    """A map's chart with where ECharts finds its boundaries: the site's /maps/ for the
    web view, the GeoJSON itself in the stand-alone download (it works offline). None
    when the boundaries are not installed here."""
    if data.get("kind") != "map":
        return data
    code = str(data.get("map", ""))
    geo = boundary(code)
    if geo is None:
        return None
    return {**data, "geoJSON": geo} if inline else {**data, "geo": f"/maps/{code}.json"}


def _css() -> Markup:
    return Markup(environment().get_template("doc.css").render())


def render_html(doc: Document, read: Callable[[Path], str] | None = None) -> str:
    """The stand-alone HTML download, charts drawn by ECharts carried inline."""
    reader = read or (lambda path: path.read_text(encoding="utf-8"))
    scripts = [Markup(reader(path).replace("</script", "<\\/script")) for path in CHART_SCRIPTS]
    body = render_body(doc, links=False, charts="echarts")
    return (
        environment()
        .get_template("export.html")
        .render(doc=doc, css=_css(), body=body, scripts=scripts)
    )


def render_print_html(doc: Document) -> str:
    """The page WeasyPrint lays out as the PDF: A4, 公文 margins, charts as images."""
    body = render_body(doc, links=False, charts="png")
    return environment().get_template("print.html").render(doc=doc, css=_css(), body=body)
