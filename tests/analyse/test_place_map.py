"""The map to draw for place mentions, and the counts on its regions."""

from __future__ import annotations

from yuqing.analyse.place_map import Mention, city_of, place_map, province_of


def test_mentions_in_one_city_draw_its_districts_and_highlight_the_desk() -> None:
    mentions = [Mention("150203", "昆都仑区", 5), Mention("150204", "青山区", 2)]
    drawn = place_map(mentions, jurisdiction=["150203"])
    assert (drawn.map_code, drawn.level) == ("150200", "district")
    assert [(r.code, r.count, r.highlighted) for r in drawn.regions] == [
        ("150203", 5, True),
        ("150204", 2, False),
    ]


def test_one_province_draws_its_cities_and_the_country_its_provinces() -> None:
    one = place_map([Mention("150203", "昆都仑区", 1), Mention("150102", "新城区", 3)])
    assert (one.map_code, one.level) == ("150000", "city")
    assert {r.code: r.count for r in one.regions} == {"150200": 1, "150100": 3}
    many = place_map(
        [
            Mention("420100", "武汉市", 4),
            Mention("420102", "江岸区", 1),
            Mention("110105", "朝阳区", 2),
        ]
    )
    assert (many.map_code, many.level) == ("100000", "province")
    assert {r.code: r.count for r in many.regions} == {"420000": 5, "110000": 2}


def test_codes_without_boundaries_fall_back_to_the_table() -> None:
    fictional = place_map([Mention("990207", "昆都仑区", 5)])
    assert fictional.map_code is None and fictional.unmapped == 5
    mixed = place_map([Mention("990207", "昆都仑区", 5), Mention("420100", "武汉市", 1)])
    assert mixed.map_code == "420100" or mixed.map_code == "420000"
    assert mixed.unmapped >= 5


def test_municipalities_hold_their_districts_directly() -> None:
    assert city_of("110105") == "110000" and province_of("110105") == "110000"
    drawn = place_map([Mention("110105", "朝阳区", 2), Mention("110108", "海淀区", 1)])
    assert (drawn.map_code, drawn.level) == ("110000", "district")
