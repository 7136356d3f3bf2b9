"""The map and the word cloud drawn for reports: real PNGs with something on them."""

from __future__ import annotations

import io

from PIL import Image

from yuqing.analyse.keyterms import Term
from yuqing.analyse.place_map import Mention, place_map
from yuqing.reports.view_charts import cloud_png, map_png


def _inked(png: bytes) -> float:
    """Share of pixels that are not (near) white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()  # 256 bins of grey
    return sum(histogram[:235]) / sum(histogram)


def test_the_map_shades_the_mentioned_districts() -> None:
    pmap = place_map(
        [Mention("150203", "昆都仑区", 40), Mention("150204", "青山区", 12)], ["150203"]
    )
    png = map_png(pmap)
    assert png is not None and png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).size == (900, 630)
    assert _inked(png) > 0.005  # boundaries drawn, not an empty frame
    rgb = Image.open(io.BytesIO(png)).convert("RGB")
    colours = [
        (n, tuple(c)) for n, c in rgb.getcolors(maxcolors=1 << 20) or [] if not isinstance(c, float)
    ]
    blue = sum(n for n, c in colours if c[2] - c[0] > 80)
    red = sum(n for n, c in colours if c[0] - c[2] > 80)
    assert blue > 300  # the most mentioned district filled with the darkest shade
    assert red > 200  # the desk's own district outlined
    assert map_png(place_map([Mention("990207", "昆都仑区", 5)])) is None  # table only


def test_the_cloud_places_every_term_that_fits() -> None:
    terms = [Term(f"词语{i}", 1.0, 50 - i, 0) for i in range(12)]
    png = cloud_png(terms)
    assert png is not None and _inked(png) > 0.01
    assert cloud_png([]) is None
