"""A desk's own map boundaries: read over the packaged ones, checked, drawn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yuqing.analyse.boundaries import Boundaries, BoundaryFileError, use_desk_boundaries
from yuqing.analyse.place_map import Mention, boundary, place_map
from yuqing.config import load_settings
from yuqing.errors import ConfigError
from yuqing.store.db import Database
from yuqing.web.app import create_app


def square(x: float, y: float, size: float = 0.1) -> list[list[list[float]]]:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code: int | str, name: str, x: float = 0.0) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"adcode": code, "name": name, "centroid": [x + 0.05, 0.05]},
        "geometry": {"type": "Polygon", "coordinates": square(x, 0.0)},
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# A district (150203, 昆都仑区) whose 街道 no registry package has, and a fictional city.
TOWNS = collection(feature(150203001, "林荫路街道"), feature("150203002", "昆北街道", 0.1))
CITY = collection(feature(990202, "东城区"), feature(990207, "昆都仑区", 0.1))
CITY_150200 = collection(feature(150203, "昆都仑区"), feature(150204, "青山区", 0.1))


def test_a_desk_folder_is_read_over_the_packaged_one(tmp_path: Path) -> None:
    packaged = tmp_path / "packaged"
    write(packaged, "150200.json", collection(feature(150203, "昆都仑区")))
    desk = tmp_path / "desk"
    write(desk, "150203.json", TOWNS)
    write(desk, "README.txt", "not a boundary file, and not read")
    found = Boundaries.with_desk_folder(desk, packaged)
    assert found.path("150203") == desk / "150203.json"
    assert found.path("150200") == packaged / "150200.json"
    assert found.region_codes("150203") == frozenset({"150203001", "150203002"})
    assert found.region_codes("150200") is None  # a packaged file: the registered codes
    assert found.path("150204") is None and found.geojson("150204") is None


def test_mentions_in_one_district_draw_its_towns_when_the_desk_supplies_them(
    tmp_path: Path,
) -> None:
    packaged = tmp_path / "packaged"
    write(packaged, "150200.json", CITY_150200)
    write(tmp_path / "desk", "150203.json", TOWNS)
    drawn_with = Boundaries.with_desk_folder(tmp_path / "desk", packaged)
    mentions = [
        Mention("150203001", "林荫路街道", 4),
        Mention("150203002001", "某社区", 2),  # a community counts on its town
        Mention("150203", "昆都仑区", 3),  # the district itself: above the map's regions
    ]
    towns = place_map(mentions, ["150200"], drawn_with)
    assert (towns.map_code, towns.level, towns.unmapped) == ("150203", "town", 3)
    assert [(r.code, r.count, r.highlighted) for r in towns.regions] == [
        ("150203001", 4, True),
        ("150203002", 2, True),
    ]
    # Without a mention below the district, the city's districts are the map.
    city = place_map([Mention("150203", "昆都仑区", 3)], ["150200"], drawn_with)
    assert (city.map_code, city.level, city.unmapped) == ("150200", "district", 0)
    # Without the desk's file, the district's towns count on it in the city map.
    packaged_only = place_map(mentions, ["150200"], Boundaries(packaged=packaged))
    assert packaged_only.map_code == "150200"
    assert [(r.code, r.count) for r in packaged_only.regions] == [("150203", 9)]


def test_a_desk_file_replaces_the_packaged_one_of_its_code(tmp_path: Path) -> None:
    packaged = tmp_path / "packaged"
    write(packaged, "150200.json", CITY_150200)
    desk = tmp_path / "desk"  # the desk's own drawing of its city: one district, renamed
    write(desk, "150200.json", collection(feature(150203, "昆区")))
    drawn_with = Boundaries.with_desk_folder(desk, packaged)
    assert drawn_with.path("150200") == desk / "150200.json"
    names = [f["properties"]["name"] for f in (drawn_with.geojson("150200") or {})["features"]]
    assert names == ["昆区"]
    mentions = [Mention("150203", "昆都仑区", 2), Mention("150204", "青山区", 1)]
    mine = place_map(mentions, (), drawn_with)
    assert [r.code for r in mine.regions] == ["150203"] and mine.unmapped == 1
    packaged_only = place_map(mentions, (), Boundaries(packaged=packaged))
    assert [r.code for r in packaged_only.regions] == ["150203", "150204"]


def test_codes_no_registry_knows_map_inside_the_desks_own_divisions(tmp_path: Path) -> None:
    write(tmp_path / "desk", "990200.json", CITY)
    drawn_with = Boundaries.with_desk_folder(tmp_path / "desk", tmp_path / "none")
    mentions = [Mention("990207", "昆都仑区", 5), Mention("990202001", "鼓楼街道", 2)]
    drawn = place_map(mentions, ["990200"], drawn_with)
    assert (drawn.map_code, drawn.level) == ("990200", "district")
    assert [(r.code, r.count) for r in drawn.regions] == [("990207", 5), ("990202", 2)]
    elsewhere = place_map([Mention("990307", "别处", 5)], (), drawn_with)
    assert elsewhere.map_code is None and elsewhere.unmapped == 5


MALFORMED: list[tuple[str, object, str]] = [
    ("990200.json", "{not json", "not JSON"),
    ("990200.json", [1, 2], "not a GeoJSON FeatureCollection"),
    ("990200.json", collection(), "no features"),
    ("990200.json", collection({"type": "Feature", "geometry": None}), "feature 1: no properties"),
    ("990200.json", collection(feature("99x", "东城区")), "feature 1: properties.adcode '99x'"),
    ("990200.json", collection(feature(990202, "")), "properties.name is missing"),
    ("990200.json", collection(feature(150203, "昆都仑区")), "not a sub-region of 990200"),
    ("990200.json", collection(feature(990202001, "鼓楼街道")), "one level below"),
    (
        "990200.json",
        collection(feature(990202, "东城区"), feature(990202, "东城区", 0.1)),
        "feature 2: sub-region 990202 appears twice",
    ),
    (
        "990200.json",
        collection({**feature(990202, "东城区"), "geometry": {"type": "Point"}}),
        "geometry must be a Polygon or MultiPolygon",
    ),
    (
        "990200.json",
        collection(
            {
                **feature(990202, "东城区"),
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
            }
        ),
        "fewer than 4 positions",
    ),
    (
        "990200.json",
        collection(
            {
                **feature(990202, "东城区"),
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]},
            }
        ),
        "not [longitude, latitude] in range",
    ),
    (
        "990200.json",
        collection(
            {
                **feature(990202, "东城区"),
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            }
        ),
        "does not end where it starts",
    ),
    ("青岚市.json", CITY, "the file name must be a division code"),
]


@pytest.mark.parametrize(("name", "data", "reason"), MALFORMED)
def test_a_malformed_file_is_refused_naming_it_and_why(
    tmp_path: Path, name: str, data: object, reason: str
) -> None:
    path = write(tmp_path / "desk", name, data)
    with pytest.raises(BoundaryFileError) as refused:
        Boundaries.with_desk_folder(tmp_path / "desk")
    assert str(path) in refused.value.message and reason in refused.value.message


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BoundaryFileError, match="no such folder"):
        Boundaries.with_desk_folder(tmp_path / "nowhere")


def test_the_setting_is_taken_into_use_when_the_app_starts(
    tmp_path: Path, sqlite_db: Database
) -> None:
    write(tmp_path / "desk", "990200.json", CITY)
    settings = load_settings(
        data_dir=tmp_path, secret_key="t" * 32, map_boundaries_dir=tmp_path / "desk"
    )
    try:
        create_app(settings, sqlite_db)
        geo = boundary("990200")
        assert geo is not None and len(geo["features"]) == 2
        write(tmp_path / "desk", "990207.json", collection(feature(150203, "别处")))
        with pytest.raises(ConfigError, match=r"990207\.json: feature 1"):
            create_app(settings, sqlite_db)  # a malformed file stops the start
    finally:
        use_desk_boundaries(None)
    assert boundary("990200") is None
