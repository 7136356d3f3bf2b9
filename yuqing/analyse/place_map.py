"""Which map to draw for a set of place mentions, and the counts on it.

Division codes carry their ancestry: ``150207`` (昆都仑区) lies in city ``150200``
(包头市) in province ``150000`` (内蒙古自治区); a town's nine digits (``150207001``)
begin with its district's. The map is the smallest area that holds every mention with
boundaries to draw: one district's 街道/乡镇 when all mentions are in one district whose
boundaries the desk supplies (no registry package has them), one city's districts when
all are in one city, one province's cities when they are in one province, else the
country's provinces. Each mention counts on the region of the map that holds it.
Codes that are neither real division codes nor inside a division the desk supplies
boundaries for, places above the map's regions and regions the boundaries do not
draw are kept for the table, which always lists every place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yuqing.analyse.boundaries import COUNTRY, Boundaries, active, within

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
    level: str  # "province", "city", "district" or "town": what the regions are
    regions: tuple[Region, ...]
    unmapped: int  # mentions outside any region of the map (kept in the table)


def boundary_path(code: str) -> Path | None:
    """The GeoJSON file of a division's sub-regions in use here, if any."""
    return active().path(code)


def boundary(code: str) -> dict[str, Any] | None:
    """The parsed GeoJSON of a division's sub-regions in use here, if any."""
    return active().geojson(code)


def province_of(code: str) -> str | None:
    """The real province holding the code (None for codes no registry knows)."""
    head = _province(code)
    return head if head in PROVINCES else None


def city_of(code: str) -> str | None:
    return _city(code) if province_of(code) else None


def district_of(code: str) -> str | None:
    return _district(code) if province_of(code) else None


# The same ancestry read from the digits alone, for real codes and a desk's own alike.


def _province(code: str) -> str | None:
    return code[:2] + "0000" if _CODE.match(code) else None


def _city(code: str) -> str | None:
    province = _province(code)
    if province is None or code[2:4] == "00":
        return None
    return province if province in MUNICIPALITIES else code[:4] + "00"


def _district(code: str) -> str | None:
    if _city(code) is None or code[4:6] == "00":
        return None
    return code[:6]


def _town(code: str) -> str | None:
    if _district(code) is None or len(code) < 9 or code[6:9] == "000":
        return None
    return code[:9]


def place_map(
    mentions: Iterable[Mention],
    jurisdiction: Iterable[str] = (),
    boundaries: Boundaries | None = None,
) -> PlaceMap:
    drawn_with = boundaries or active()
    rows = [m for m in mentions if m.count > 0]
    known = [m for m in rows if province_of(m.code) or drawn_with.covers(m.code)]
    total = sum(m.count for m in rows)
    own = tuple(jurisdiction)
    if not known:
        return PlaceMap(None, "", (), total)
    map_code, level, region_of = _choose(known, drawn_with)
    if drawn_with.path(map_code) is None:  # boundaries not installed: the table only
        return PlaceMap(None, "", (), total)
    # A desk's file draws the regions it holds, a packaged one the registered codes.
    drawable = drawn_with.region_codes(map_code)
    counts: Counter[str] = Counter()
    for m in known:
        region = region_of(m.code)
        if region is not None and (region in drawable if drawable else province_of(region)):
            counts[region] += m.count
    regions = tuple(
        Region(code, n, any(within(j, code) or within(code, j) for j in own))
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return PlaceMap(map_code, level, regions, total - sum(counts.values()))


def _choose(
    known: list[Mention], boundaries: Boundaries
) -> tuple[str, str, Callable[[str], str | None]]:
    """The map's division code, its regions' level and the function placing a code."""
    districts = {_district(m.code) for m in known}
    if len(districts) == 1 and None not in districts:
        district = districts.pop() or COUNTRY
        # Its towns, if the desk drew them and a mention lies below the district itself.
        if boundaries.path(district) and any(_town(m.code) for m in known):
            return district, "town", _town
    cities = {_city(m.code) for m in known}
    provinces = {_province(m.code) for m in known}
    if len(cities) == 1 and None not in cities:
        return cities.pop() or COUNTRY, "district", _district
    if len(provinces) == 1:
        return provinces.pop() or COUNTRY, "city", _city
    return COUNTRY, "province", _province
