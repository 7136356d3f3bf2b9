"""The map of places and the word cloud as PNG for DOCX and PDF (matplotlib's Agg canvas).

The map draws the division's sub-regions from the same GeoJSON boundaries the pages
use (``yuqing.analyse.place_map.boundary``), shaded by mentions, the desk's own
regions outlined in red. The word cloud places the terms largest first on a spiral
around the centre, each where its box overlaps none placed before — a few dozen
terms, so the plain search costs milliseconds.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import Bbox

from yuqing.analyse.keyterms import Term
from yuqing.analyse.place_map import PlaceMap, Region, boundary
from yuqing.reports.charts import WIDTH, chart_height, chart_png, cjk_font_path

DPI = 150
SHADES = LinearSegmentedColormap.from_list("mentions", ["#eef3fa", "#3b6fb6"])
TITLE_INCHES = 0.3  # the band of a chart's title, as the bar charts leave it
CLOUD_COLOURS = ("#3b6fb6", "#b5523b", "#27785a", "#7b4fa0", "#5f6b76")


def report_chart_png(chart: dict[str, Any]) -> bytes | None:
    """Any chart of a report's content as PNG: the map and the word cloud drawn here,
    the bar and line charts by :mod:`yuqing.reports.charts`. None when the map's
    boundaries are not installed where the report is rendered (its table stands alone)."""
    if chart.get("kind") not in ("map", "cloud"):
        return chart_png(chart)
    return _view_png(json.dumps(chart, ensure_ascii=False, sort_keys=True))


@lru_cache(maxsize=16)
def _view_png(chart_json: str) -> bytes | None:
    chart = json.loads(chart_json)
    height = chart_height(chart)
    labels, values = chart.get("labels", []), chart.get("values", [])
    if chart["kind"] == "cloud":
        terms = [Term(str(t), 0.0, int(n), 0) for t, n in zip(labels, values, strict=False)]
        return cloud_png(terms, WIDTH, height, title=str(chart.get("title", "")))
    own = chart.get("own") or [False] * len(values)
    regions = tuple(
        Region(str(code), int(n), bool(mine))
        for code, n, mine in zip(chart.get("codes", []), values, own, strict=False)
    )
    pmap = PlaceMap(str(chart.get("map") or ""), str(chart.get("level", "")), regions, 0)
    return map_png(pmap, WIDTH, height, title=str(chart.get("title", "")))


def _font(size: float = 6) -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=cjk_font_path(), size=size)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def map_png(
    pmap: PlaceMap, width: float = 6.0, height: float = 4.2, title: str = ""
) -> bytes | None:
    """The map as PNG; None when there is nothing to draw (the table stands alone)."""
    geo = boundary(pmap.map_code) if pmap.map_code else None
    if geo is None or not pmap.regions:
        return None
    counts = {r.code: r.count for r in pmap.regions}
    own = {r.code for r in pmap.regions if r.highlighted}
    most = max(counts.values())
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    top = 1 - TITLE_INCHES / height if title else 0.98
    axes = figure.add_axes((0.02, 0.02, 0.96, top - 0.02))
    axes.set_axis_off()
    if title:
        figure.text(
            0.5,
            1 - 0.5 * TITLE_INCHES / height,
            title,
            ha="center",
            va="center",
            fontproperties=_font(10),
        )
    labels: list[tuple[int, float, float, str]] = []
    for feature in geo.get("features", []):
        code = str(feature.get("properties", {}).get("adcode", ""))
        count = counts.get(code, 0)
        colour = SHADES(count / most) if count else "#f7f8fa"
        for ring in _rings(feature.get("geometry") or {}):
            axes.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    facecolor=colour,
                    edgecolor="#c0392b" if code in own else "#9aa5b1",
                    linewidth=1.6 if code in own else 0.4,
                )
            )
        props = feature.get("properties", {})
        centre = props.get("centroid") or props.get("center")
        if count and centre:
            label = f"{props.get('name', '')}\n{count}"
            labels.append((count, float(centre[0]), float(centre[1]), label))
    axes.autoscale_view()
    # The data limits widen to the frame, not the frame shrinks: room beside the map.
    aspect = 1 / math.cos(math.radians(_mean_latitude(axes)))
    axes.set_aspect(aspect, adjustable="datalim")
    _place_labels(figure, axes, labels)
    return _png(figure)


def _place_labels(figure: Figure, axes: Any, labels: list[tuple[int, float, float, str]]) -> None:
    """Each mentioned region's name and count at its centre, most mentioned first; a
    label that would cover one already placed (small neighbouring districts) is set
    beside the map instead, on a thin line to its region."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    axes.apply_aspect()
    to_px = axes.transData
    frame = axes.get_window_extent(renderer)
    drawn = Bbox(to_px.transform(axes.dataLim.get_points()))
    placed: list[Bbox] = []
    for _, x, y, text in sorted(labels, key=lambda label: -label[0]):
        label = axes.text(x, y, text, ha="center", va="center", fontproperties=_font(6))
        box = label.get_window_extent(renderer).expanded(1.1, 1.2)
        if not any(box.overlaps(other) for other in placed):
            placed.append(box)
            continue
        spot = _beside(box, float(to_px.transform((x, y))[1]), drawn, frame, placed)
        if spot is None:  # no room beside the map either: left where it is
            placed.append(box)
            continue
        label.remove()
        tx, ty = to_px.inverted().transform((spot.x0 + spot.width / 2, spot.y0 + spot.height / 2))
        axes.annotate(
            text,
            xy=(x, y),
            xytext=(tx, ty),
            ha="center",
            va="center",
            fontproperties=_font(6),
            arrowprops={"arrowstyle": "-", "linewidth": 0.5, "color": "#5f6b76"},
        )
        placed.append(spot)


def _beside(box: Bbox, y: float, drawn: Bbox, frame: Bbox, placed: list[Bbox]) -> Bbox | None:
    """A free spot for ``box`` to the side of the map with more room, near height ``y``."""
    right, left = frame.x1 - drawn.x1, drawn.x0 - frame.x0
    if max(right, left) < box.width + 12:
        return None
    x0 = drawn.x1 + 12 if right >= left else drawn.x0 - 12 - box.width
    for step in range(40):
        shift = (step + 1) // 2 * box.height * (1 if step % 2 else -1)
        y0 = y - box.height / 2 + shift
        if y0 < frame.y0 or y0 + box.height > frame.y1:
            continue
        spot = Bbox.from_bounds(x0, y0, box.width, box.height)
        if not any(spot.overlaps(other) for other in placed):
            return spot
    return None


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = coords if kind == "MultiPolygon" else [coords] if kind == "Polygon" else []
    return [[(x, y) for x, y, *_ in polygon[0]] for polygon in polygons if polygon]


def _mean_latitude(axes: Any) -> float:
    low, high = axes.get_ylim()
    return max(-80.0, min(80.0, (float(low) + float(high)) / 2))


def cloud_png(
    terms: Sequence[Term], width: float = 6.0, height: float = 2.8, title: str = ""
) -> bytes | None:
    """A word cloud of the terms (sized by the posts holding them) as PNG."""
    if not terms:
        return None
    figure = Figure(figsize=(width, height), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    top = max(t.posts for t in terms)
    low = min(t.posts for t in terms)
    placed: list[Bbox] = []
    w_px, h_px = width * DPI, height * DPI
    if title:  # the title's band at the top is taken before any term
        band = TITLE_INCHES * DPI
        figure.text(
            0.5, 1 - 0.5 * band / h_px, title, ha="center", va="center", fontproperties=_font(10)
        )
        placed.append(Bbox.from_extents(0, h_px - band, w_px, h_px))
    for rank, term in enumerate(sorted(terms, key=lambda t: -t.posts)):
        share = (term.posts - low) / (top - low) if top > low else 1.0
        size = 9 + 21 * math.sqrt(share)
        text = figure.text(
            0.5,
            0.5,
            term.term,
            ha="center",
            va="center",
            color=CLOUD_COLOURS[rank % len(CLOUD_COLOURS)],
            fontproperties=_font(size),
        )
        spot = _free_spot(text, renderer, placed, w_px, h_px)
        if spot is None:
            text.remove()
            continue
        placed.append(spot)
    return _png(figure)


def _free_spot(
    text: Any, renderer: Any, placed: list[Bbox], w_px: float, h_px: float
) -> Bbox | None:
    """Move the text along a spiral until its box overlaps nothing placed and fits.
    The box is measured once and shifted: measuring at every step was 2 s a cloud."""
    box = text.get_window_extent(renderer=renderer).expanded(1.06, 1.1)
    half_w, half_h = box.width / 2, box.height / 2
    for step in range(3000):
        angle = 0.3 * step
        radius = 2.0 * angle
        cx = w_px / 2 + radius * math.cos(angle)
        cy = h_px / 2 + radius * math.sin(angle) * 0.6
        if radius > max(w_px, h_px):
            break
        if cx - half_w < 0 or cy - half_h < 0 or cx + half_w > w_px or cy + half_h > h_px:
            continue
        spot = Bbox.from_extents(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        if not any(spot.overlaps(other) for other in placed):
            text.set_position((cx / w_px, cy / h_px))
            return spot
    return None
