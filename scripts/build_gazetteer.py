"""Build ``yuqing/analyse/data/gazetteer.tsv.gz`` from the public division tables.

Sources (read-only, in ``shared/data/gazetteer`` beside the repository):

* ``modood_2023``: the NBS 2023 statistical division codes down to township level
  (provinces, cities, areas = counties, streets = townships).
* ``mumuy_2026``: the current GB/T 2260 codes (``list.json``, with Hong Kong, Macau
  and Taiwan), historical codes with their names (``history.json``) and what each
  retired code became (``diff.json``).

``list.json`` decides which county-level and higher codes are current; NBS units
that GB/T 2260 does not list (development zones, ``xx71`` codes) are kept from
modood, and townships are re-hung under the successor of a county that has since
been merged away. Former names are history names of retired codes, mapped to the
current codes that ``diff.json`` leads to. The output is deterministic (rows sorted
by code, no timestamp in the gzip header), so a rebuild from the same sources is
byte-identical.

Usage: ``python scripts/build_gazetteer.py [--source DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from yuqing.analyse.gazetteer import (
    DATA_FILE,
    GENERIC_FULL,
    LEVEL_RANK,
    Row,
    expand_forms,
    format_rows,
    normalise_name,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT = ROOT / "yuqing" / "analyse" / "data" / DATA_FILE

# A former name must end like a division's name; history.json also lists retired
# statistical units (林场, 管理局) that nobody writes as a place.
FORMER_SUFFIXES = ("省", "市", "区", "县", "州", "盟", "旗", "地区")
# Rows of the sources that group units for statistics but are not places.
PLACEHOLDERS = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}
)


@dataclass
class Unit:
    name: str
    level: str
    parent: str | None
    former: list[str] = field(default_factory=list)


@dataclass
class Sources:
    current: dict[str, str]  # GB/T 2260 code → name
    history: dict[str, str]  # every code ever used → its (last) name
    diff: dict[str, list[str]]  # retired code → the codes that replaced it
    provinces: list[dict[str, str]]
    cities: list[dict[str, str]]
    areas: list[dict[str, str]]
    streets: list[dict[str, str]]


def read_sources(folder: Path) -> Sources:
    def table(name: str) -> list[dict[str, str]]:
        with (folder / "modood_2023" / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def mapping(name: str) -> dict[str, object]:
        loaded: dict[str, object] = json.loads((folder / "mumuy_2026" / name).read_text("utf-8"))
        return loaded

    diff = {code: [str(c) for c in targets] for code, targets in _lists(mapping("diff.json"))}
    return Sources(
        current={code: str(name) for code, name in mapping("list.json").items()},
        history={code: str(name) for code, name in mapping("history.json").items()},
        diff=diff,
        provinces=table("provinces.csv"),
        cities=table("cities.csv"),
        areas=table("areas.csv"),
        streets=table("streets.csv"),
    )


def _lists(raw: dict[str, object]) -> list[tuple[str, list[object]]]:
    return [(code, value) for code, value in raw.items() if isinstance(value, list)]


def build_units(src: Sources) -> dict[str, Unit]:
    """Every place by code, with its level and parent."""
    units: dict[str, Unit] = {}
    _add_upper_levels(src, units)
    area_parent = _add_counties(src, units)
    for row in src.streets:
        parent = area_parent.get(row["areaCode"])
        # 某某区直辖村级区划 groups villages for statistics; it is not a place.
        if parent is not None and not row["name"].endswith("区划"):
            units[row["code"]] = Unit(row["name"], "town", parent)
    _add_former_names(src, units)
    return units


def _add_upper_levels(src: Sources, units: dict[str, Unit]) -> None:
    names = dict(src.current)
    for row in src.provinces:
        names.setdefault(row["code"] + "0000", row["name"])
    for row in src.cities:
        names.setdefault(row["code"] + "00", row["name"])
    for code in sorted(names):
        if code.endswith("0000"):
            units[code] = Unit(names[code], "province", None)
    for code in sorted(names):
        if code.endswith("00") and not code.endswith("0000") and names[code] not in PLACEHOLDERS:
            units[code] = Unit(names[code], "city", code[:2] + "0000")


def _add_counties(src: Sources, units: dict[str, Unit]) -> dict[str, str]:
    """Add county-level units; return where each modood area's townships belong."""
    area_parent: dict[str, str] = {}
    for code in sorted(src.current):
        if not code.endswith("00"):
            units[code] = Unit(src.current[code], "county", _upper_parent(code, units))
    for row in src.areas:
        code, name = row["code"], row["name"]
        city = row["cityCode"] + "00"
        if code in units or code.endswith("00"):  # current, or a city without counties
            area_parent[code] = code
        elif units.get(city) is not None and units[city].name == name:
            area_parent[code] = city  # 嘉峪关市 listed again below itself
        elif successors := _current_successors(code, src, units):
            area_parent[code] = successors[0]  # merged away since 2023
        else:  # an NBS statistical unit that GB/T 2260 does not list
            units[code] = Unit(
                name, "county", city if city in units else _upper_parent(code, units)
            )
            area_parent[code] = code
    return area_parent


def _upper_parent(code: str, units: dict[str, Unit]) -> str:
    city = code[:4] + "00"
    return city if city in units else code[:2] + "0000"


def _current_successors(code: str, src: Sources, units: dict[str, Unit]) -> list[str]:
    """Current codes a retired code leads to through diff.json (following chains)."""
    found: list[str] = []
    queue, seen = list(src.diff.get(code, [])), {code}
    while queue:
        target = queue.pop(0)
        if target in seen:
            continue
        seen.add(target)
        if target in units and units[target].level != "town":
            found.append(target)
        else:
            queue.extend(src.diff.get(target, []))
    return found


def _usable_former(name: str, current_names: set[str]) -> bool:
    """A former name is kept when it names a division (ends with a division
    suffix), is not a generic phrase (郊区, 市区) and no current place has it:
    保山市 was once a county-level city, but today it is the prefecture."""
    return (
        name.endswith(FORMER_SUFFIXES)
        and "、" not in name
        and name not in PLACEHOLDERS
        and name not in GENERIC_FULL
        and name not in current_names
    )


def _add_former_names(src: Sources, units: dict[str, Unit]) -> None:
    current_names = {unit.name for unit in units.values() if unit.level != "town"}
    retired = dict(src.history)
    for row in src.areas:
        retired.setdefault(row["code"], row["name"])
    for code in sorted(retired):
        name = retired[code]
        if code in units or not _usable_former(name, current_names):
            continue
        for target in _current_successors(code, src, units):
            unit = units[target]
            # A county folded into a whole province (上海县 → 上海市 in diff.json)
            # names a part of it, not the province.
            if unit.level == "province" and not code.endswith("0000"):
                continue
            if name != unit.name and name not in unit.former:
                unit.former.append(name)


def to_rows(units: dict[str, Unit]) -> list[Row]:
    """Data-file rows with aliases and short forms; a short form equal to a
    province's short form is left to the province (海南, 河南, 吉林)."""
    forms = {code: expand_forms(unit.name, unit.level) for code, unit in units.items()}
    province_shorts = {
        short
        for code, (_a, shorts) in forms.items()
        if units[code].level == "province"
        for short in shorts
    }
    rows = []
    for code in sorted(units):
        unit = units[code]
        aliases, shorts = forms[code]
        if unit.level != "province":
            shorts = [s for s in shorts if s not in province_shorts]
            # 河南县 (河南蒙古族自治县) would read 河南县级医院 as the county.
            aliases = [a for a in aliases if a[:-1] not in province_shorts]
        former = list(dict.fromkeys(unit.former + [normalise_name(f) for f in unit.former]))
        rows.append(
            Row(
                code,
                unit.level,
                unit.parent,
                unit.name,
                tuple(aliases),
                tuple(shorts),
                tuple(former),
            )
        )
    return rows


def check(rows: list[Row]) -> None:
    """Every parent exists and sits at a higher level; roots are provinces."""
    levels = {row.code: row.level for row in rows}
    for row in rows:
        if row.parent is None:
            if row.level != "province":
                raise SystemExit(f"{row.code} {row.name}: no parent")
        elif row.parent not in levels or LEVEL_RANK[levels[row.parent]] >= LEVEL_RANK[row.level]:
            raise SystemExit(f"{row.code} {row.name}: bad parent {row.parent}")


def write(rows: list[Row], out: Path) -> None:
    data = format_rows(rows).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header keep the output byte-identical.
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = to_rows(build_units(read_sources(args.source)))
    check(rows)
    write(rows, args.out)
    levels = Counter(row.level for row in rows)
    former = sum(len(row.former) for row in rows)
    summary = ", ".join(f"{level} {count}" for level, count in levels.items())
    sys.stderr.write(f"{args.out}: {len(rows)} places ({summary}); {former} former names\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
