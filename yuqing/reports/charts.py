"""Charts as PNG for DOCX and PDF (matplotlib's Agg canvas, a CJK font found by fontconfig)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from functools import cache, lru_cache
from typing import Any

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from yuqing.errors import ConfigError

CJK_FAMILY = "Noto Sans CJK SC"
COLOUR = "#3b6fb6"
# Drawn at the size printed: the type area's 156 mm wide, so 8 pt labels print at 8 pt.
WIDTH, HEIGHT, DPI = 156 / 25.4, 2.5, 150  # inches
BAR_HEIGHT, HBAR_FRAME = 0.2, 0.75  # inches per horizontal bar, and for title and axis
# The map and the word cloud (drawn by yuqing.reports.view_charts) at the same width.
VIEW_HEIGHTS = {"map": 4.2, "cloud": 2.6}


@cache
def cjk_font_path() -> str:
    """The file of the CJK font (installed by scripts/setup as fonts-noto-cjk)."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", CJK_FAMILY], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and "CJK" in found:
            return found
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path or "NotoSerifCJK" in path:
            return str(path)
    raise ConfigError(f"没有找到中文字体 {CJK_FAMILY}：请运行 scripts/setup 安装 fonts-noto-cjk")


@cache
def _font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=cjk_font_path())


def chart_png(chart: dict[str, Any]) -> bytes:
    """One chart of a report's content ({"title", "kind", "labels", "values"}) as PNG;
    the DOCX and the PDF of one report draw each chart once."""
    return _png(json.dumps(chart, ensure_ascii=False, sort_keys=True))


@lru_cache(maxsize=32)
def _png(chart_json: str) -> bytes:
    chart = json.loads(chart_json)
    # A Figure of its own with the Agg canvas: no pyplot state, safe in worker threads.
    figure = Figure(figsize=(WIDTH, chart_height(chart)), dpi=DPI)
    FigureCanvasAgg(figure)
    _draw(figure, chart)
    # Margins from the labels' length rather than bbox_inches="tight", which draws
    # the whole figure twice to measure it (a third of a chart's time).
    figure.subplots_adjust(**_margins(chart))
    buffer = io.BytesIO()
    # Light compression: the PNG is re-encoded into the PDF and zipped into the DOCX.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def chart_height(chart: dict[str, Any]) -> float:
    """Inches: a horizontal bar chart grows with its bars, so that each label fits."""
    kind = str(chart.get("kind", ""))
    if kind == "hbar":
        bars = len(chart.get("labels", []))
        return max(1.6, min(3.6, HBAR_FRAME + BAR_HEIGHT * bars))
    return VIEW_HEIGHTS.get(kind, HEIGHT)


def forget_drawn() -> None:
    """Drop the charts kept for reuse (the benchmark measures drawing them)."""
    _png.cache_clear()


def _margins(chart: dict[str, Any]) -> dict[str, float]:
    """Room for the tick labels: a CJK character at 8 pt is 1/9 inch."""
    longest = max((len(str(label)) for label in chart.get("labels", [])), default=1)
    height = chart_height(chart)
    char_w, char_h = 1 / 9 / WIDTH, 1 / 9 / height
    # Fixed room in inches for the title (0.3) and the value axis (0.35).
    margins = {"left": 0.08, "right": 0.98, "top": 1 - 0.3 / height, "bottom": 0.35 / height}
    kind = chart.get("kind", "bar")
    if kind == "hbar":
        margins["left"] = min(0.45, 0.03 + longest * char_w)
    elif kind == "bar" and len(chart.get("labels", [])) > 6:  # labels turned 30°
        margins["bottom"] = min(0.5, 0.25 / height + longest * char_h * 0.5)
    return margins


def _draw(figure: Figure, chart: dict[str, Any]) -> None:
    font = _font()
    axes = figure.add_subplot(1, 1, 1)
    labels = [str(label) for label in chart.get("labels", [])]
    values = list(chart.get("values", []))
    kind = chart.get("kind", "bar")
    if kind == "line":
        axes.plot(range(len(values)), values, color=COLOUR, linewidth=1.6, marker="o", markersize=2)
        axes.fill_between(range(len(values)), values, color=COLOUR, alpha=0.12)
        step = max(1, len(labels) // 8)
        axes.set_xticks(range(0, len(labels), step))
        axes.set_xticklabels(labels[::step], fontproperties=font, fontsize=7)
    elif kind == "hbar":
        positions = list(range(len(values)))[::-1]
        axes.barh(positions, values, color="#b5523b")
        axes.set_yticks(positions)
        axes.set_yticklabels(labels, fontproperties=font, fontsize=8)
    else:
        axes.bar(range(len(values)), values, color=COLOUR)
        axes.set_xticks(range(len(labels)))
        rotation = 30 if len(labels) > 6 else 0
        axes.set_xticklabels(labels, fontproperties=font, fontsize=8, rotation=rotation)
    axes.set_title(str(chart.get("title", "")), fontproperties=font, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=7)
