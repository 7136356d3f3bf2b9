"""The demo city's generated map boundaries: drawable, the same on every build, and
nowhere near a real place."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from yuqing.analyse.boundaries import Boundaries
from yuqing.analyse.place_map import Mention, place_map
from yuqing.demo.boundaries import write_demo_boundaries
from yuqing.demo.live import DEMO_CITY_CODE
from yuqing.demo.places import UNIT_SPECS


def test_the_files_pass_the_desk_checks_and_cover_every_district_and_town(
    tmp_path: Path,
) -> None:
    written = write_demo_boundaries(tmp_path)
    drawn_with = Boundaries.with_desk_folder(tmp_path)  # checks each file
    districts = frozenset(str(s[4]) for s in UNIT_SPECS if s[2] in ("district", "county"))
    towns = frozenset(str(s[4]) for s in UNIT_SPECS if s[2] in ("street", "town"))
    assert {p.stem for p in written} == {DEMO_CITY_CODE, *districts}
    assert drawn_with.region_codes(DEMO_CITY_CODE) == districts
    drawn_towns = [drawn_with.region_codes(d) or frozenset() for d in districts]
    assert frozenset().union(*drawn_towns) == towns


def test_the_same_files_on_every_build(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_demo_boundaries(tmp_path / "a")}
    again = {p.name: p.read_bytes() for p in write_demo_boundaries(tmp_path / "b")}
    assert first == again


def test_neighbours_share_their_edges_and_the_city_lies_off_any_real_map(tmp_path: Path) -> None:
    write_demo_boundaries(tmp_path)
    city = Boundaries.with_desk_folder(tmp_path).geojson(DEMO_CITY_CODE)
    assert city is not None
    rings = [f["geometry"]["coordinates"][0] for f in city["features"]]
    edges = [{tuple(map(tuple, pair)) for pair in pairwise(ring)} for ring in rings]
    for i, mine in enumerate(edges):  # each district meets two others along whole edges
        shared = [len({(b, a) for a, b in mine} & theirs) for theirs in edges[:i] + edges[i + 1 :]]
        assert sorted(shared)[-2:] >= [5, 5]
    points = [p for ring in rings for p in ring]
    assert all(abs(lon) < 1 and abs(lat) < 1 for lon, lat in points)  # the Gulf of Guinea


def test_the_price_complaints_districts_draw_on_the_city_map(tmp_path: Path) -> None:
    write_demo_boundaries(tmp_path)
    drawn = place_map(
        [Mention("990207", "昆都仑区", 9), Mention("990202", "东城区", 4)],
        [DEMO_CITY_CODE],
        Boundaries.with_desk_folder(tmp_path),
    )
    assert drawn.map_code == DEMO_CITY_CODE
    assert [(r.code, r.count, r.highlighted) for r in drawn.regions] == [
        ("990207", 9, True),
        ("990202", 4, True),
    ]
