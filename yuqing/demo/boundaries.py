"""Map boundaries of the fictional 青岚市, generated: the city's districts and each
district's 街道/乡镇, as the GeoJSON files a desk supplies for its own subdivisions
(the ``map_boundaries_dir`` setting), so the demo's maps draw.

The geometry is made up here and matches no real place: the city is a wobbly disc
around longitude 0, latitude 0 (in the Gulf of Guinea, where no 青岚市 lies), cut
into one sector per district, the county reaching further south; a district's
街道 fill the inner part of its sector and its 镇 the outer part. Every point is a
fixed function of an angle and a fraction of the radius, so neighbouring regions
share their edges exactly and the files are the same on every build.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

from yuqing.demo.places import CITY_KEY, UNIT_SPECS

FOLDER: Final = "boundaries"  # under the demo's data folder
CENTRE: Final = (0.0, 0.0)  # longitude, latitude
RADIUS: Final = 0.3  # degrees
NOTE: Final = "演示用虚构边界：程序生成，不对应任何真实地域"
# Each district's sector, in degrees counter-clockwise from east.
SECTORS: Final = {
    "dc": (-45.0, 45.0),
    "kdl": (45.0, 135.0),
    "xh": (135.0, 215.0),
    "lj": (215.0, 315.0),
}
STREETS_UP_TO: Final = 0.55  # of the radius: the 街道 inside, the 镇 beyond
ARC_STEP: Final = 4.0  # degrees between the points of an arc
RADIAL_STEPS: Final = 10  # points along a whole radius


@dataclass(frozen=True)
class Cell:
    """A region as a piece of the disc: angles (degrees) and fractions of the radius."""

    code: str
    name: str
    level: str
    angles: tuple[float, float]
    reach: tuple[float, float]


def write_demo_boundaries(folder: Path) -> list[Path]:
    """The city's file and one per district, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code, cells in demo_divisions().items():
        path = folder / f"{code}.json"
        text = json.dumps(collection(cells), ensure_ascii=False, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written


def demo_divisions() -> dict[str, list[Cell]]:
    """Each division's code with the cells of its sub-regions."""
    specs = {spec[0]: spec for spec in UNIT_SPECS}
    city_code = specs[CITY_KEY][4]
    assert city_code is not None
    districts = [s for s in UNIT_SPECS if s[3] == CITY_KEY and s[0] in SECTORS and s[4]]
    divisions = {
        city_code: [
            Cell(code, name, "district", SECTORS[key], (0.0, 1.0))
            for key, name, _kind, _parent, code in districts
            if code
        ]
    }
    for key, _name, _kind, _parent, code in districts:
        assert code is not None
        towns = [s for s in UNIT_SPECS if s[3] == key and s[2] in ("street", "town") and s[4]]
        divisions[code] = _town_cells(towns, SECTORS[key])
    return divisions


def _town_cells(towns: list[tuple[Any, ...]], angles: tuple[float, float]) -> list[Cell]:
    """The district's 街道 in the inner band and its 镇 in the outer one, each band split
    evenly by angle; one kind alone fills the whole sector."""
    streets = [t for t in towns if t[2] == "street"]
    rural = [t for t in towns if t[2] == "town"]
    if streets and rural:
        bands = [(streets, (0.0, STREETS_UP_TO)), (rural, (STREETS_UP_TO, 1.0))]
    else:
        bands = [(streets or rural, (0.0, 1.0))]
    cells = []
    for band, reach in bands:
        width = (angles[1] - angles[0]) / len(band)
        for i, (_key, name, kind, _parent, code) in enumerate(band):
            span = (angles[0] + i * width, angles[0] + (i + 1) * width)
            cells.append(Cell(str(code), name, kind, span, reach))
    return cells


def collection(cells: list[Cell]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "note": NOTE,  # a foreign member: map readers pass it by
        "features": [_feature(cell) for cell in cells],
    }


def _feature(cell: Cell) -> dict[str, Any]:
    ring = _ring(cell)
    middle = point(sum(cell.angles) / 2, sum(cell.reach) / 2)
    return {
        "type": "Feature",
        "properties": {
            "adcode": int(cell.code),
            "name": cell.name,
            "level": cell.level,
            "center": list(middle),
            "centroid": list(_centroid(ring)),
            "fictional": True,
        },
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
    }


def _ring(cell: Cell) -> list[tuple[float, float]]:
    """The cell's outline, counter-clockwise, closed: the outer arc, down one side, the
    inner arc back (the centre alone when the cell starts there) and up the other."""
    (a0, a1), (f0, f1) = cell.angles, cell.reach
    ring = [point(a, f1) for a in _steps(a0, a1, ARC_STEP)]
    ring += [point(a1, f) for f in reversed(_steps(f0, f1, 1 / RADIAL_STEPS))][1:]
    if f0 > 0:
        ring += [point(a, f0) for a in reversed(_steps(a0, a1, ARC_STEP))][1:]
    ring += [point(a0, f) for f in _steps(f0, f1, 1 / RADIAL_STEPS)][1:]
    return ring


def _steps(start: float, end: float, step: float) -> list[float]:
    """``start``, the multiples of ``step`` between, ``end``: a grid shared by every cell,
    so two cells along one edge put their points in the same places."""
    inner = range(math.floor(start / step) + 1, math.ceil(end / step))
    return [start, *(k * step for k in inner if start < k * step < end), end]


def point(degrees: float, reach: float) -> tuple[float, float]:
    """Where an angle and a fraction of the radius land: a slight swirl and a wobbly
    rim make it look drawn rather than cut with compasses."""
    theta = math.radians(degrees)
    theta += 0.05 * reach * math.sin(2 * math.pi * reach + 2 * theta)
    south = max(0.0, -math.sin(theta)) ** 2  # the county reaches further south
    rim = RADIUS * (1 + 0.1 * math.sin(3 * theta + 0.7) + 0.05 * math.sin(7 * theta + 1.9))
    r = reach * rim * (1 + 0.45 * south)
    return round(CENTRE[0] + r * math.cos(theta), 6), round(CENTRE[1] + r * math.sin(theta), 6)


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The polygon's centre of area (where a map puts its label)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return round(cx / (3 * area), 6), round(cy / (3 * area), 6)
