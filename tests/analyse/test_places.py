"""Place tagging against the shipped gazetteer: real names, disambiguation, 涉我,
local rows, the data file's consistency, and properties of ``tag`` on any text."""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analyse import places as places_module
from yuqing.analyse.gazetteer import (
    LEVEL_RANK,
    Gazetteer,
    Kind,
    name_forms,
    read_shipped_rows,
)
from yuqing.analyse.places import PlaceHit, PlaceTagger
from yuqing.text import matching_form

BAOTOU = "150200"
KUNDULUN = "150203"


@cache
def national() -> PlaceTagger:
    # One tagger for the module: hypothesis calls the tests many times.
    return PlaceTagger(Gazetteer.load())


def tag(text: str, tagger: PlaceTagger | None = None) -> list[PlaceHit]:
    return (tagger or national()).tag(matching_form(text))


def codes(text: str, tagger: PlaceTagger | None = None) -> list[str]:
    return [hit.place.code for hit in tag(text, tagger)]


def fictional_city() -> list[tuple[str, str, str, str | None]]:
    return [
        ("990200", "青岚市", "city", None),
        ("990202", "东城区", "district", "990200"),
        ("990207", "昆都仑区", "district", "990200"),
        ("990207001", "钢城街道", "street", "990207"),
        ("990207001002", "和平社区", "community", "990207001"),
        ("990221", "临江县", "county", "990200"),
        ("990221101", "城关镇", "town", "990221"),
    ]


# ---------------------------------------------------------------- real examples


def test_county_alone_is_tagged_with_its_whole_path() -> None:
    [hit] = tag("昆都仑区新增核酸检测点")
    assert hit.place.code == KUNDULUN
    assert hit.place.name == "昆都仑区"
    assert hit.place.level == "county"
    assert hit.place.parent == BAOTOU
    assert hit.place.path == ("150000", BAOTOU, KUNDULUN)
    assert (hit.start, hit.end, hit.matched) == (0, 4, "昆都仑区")


def test_city_and_county_written_together() -> None:
    hits = tag("包头市昆都仑区钢铁大街")
    assert [(h.place.code, h.matched) for h in hits] == [(BAOTOU, "包头市"), (KUNDULUN, "昆都仑区")]
    assert BAOTOU in hits[1].place.path


@pytest.mark.parametrize(
    ("text", "expected"),
    [("北京朝阳区", "110105"), ("长春朝阳区", "220104"), ("长春市朝阳区疫情通报", "220104")],
)
def test_repeated_county_name_is_resolved_by_the_city_mentioned(text: str, expected: str) -> None:
    assert codes(text)[-1] == expected


def test_repeated_county_name_without_context_is_dropped() -> None:
    assert tag("朝阳区发布通告") == []


def test_former_names_map_to_current_codes() -> None:
    assert codes("崇文区") == ["110101"]
    assert codes("宣武区") == ["110102"]
    assert [hit.matched for hit in tag("原崇文区")] == ["崇文区"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("包头", BAOTOU),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("北京", "110000"),
    ],
)
def test_short_forms(text: str, expected: str) -> None:
    assert codes(text) == [expected]


@pytest.mark.parametrize(
    "text",
    ["和平路上的面包店", "长安街", "新华书店", "城关镇", "中山路", "开发区", "小区东区", "新县城"],
)
def test_common_words_and_ambiguous_forms_tag_nothing(text: str) -> None:
    assert tag(text) == []


@pytest.mark.parametrize("text", ["明天全市停水", "请以权威信息为准", "家中卫生间消毒"])
def test_short_forms_read_across_word_boundaries_are_dropped(text: str) -> None:
    assert tag(text) == []


def test_full_name_with_suffix_is_found_where_short_form_would_not_be() -> None:
    assert codes("天全县新增病例") == ["511825"]


def test_town_matches_with_suffix_or_under_its_county() -> None:
    assert codes("东华门街道") == ["110101001"]
    assert tag("东华门") == []
    assert codes("东城区东华门") == ["110101", "110101001"]


def test_ancestor_named_after_or_before_supports_the_choice() -> None:
    assert codes("吉林长春") == ["220000", "220100"]  # 吉林 is the province here
    assert codes("吉安") == ["360800"]  # the city, not 吉安县 below it


def test_partly_overlapping_matches_keep_the_larger_cover() -> None:
    assert codes("信阳新县") == ["411500", "411523"]
    assert codes("济南市中区") == ["370100", "370103"]


def test_traditional_text_in_matching_form_gives_the_same_hits() -> None:
    simplified = "内蒙古包头市昆都仑区钢铁大街,北京市崇文区,长春朝阳区"
    traditional = "內蒙古包頭市崑都崙區鋼鐵大街,北京市崇文區,長春朝陽區"
    assert matching_form(traditional) == matching_form(simplified)
    assert tag(traditional) == tag(simplified)
    assert codes(traditional) == [
        "150000",
        BAOTOU,
        KUNDULUN,
        "110000",
        "110101",
        "220100",
        "220104",
    ]


# ---------------------------------------------------------------- jurisdiction


def test_is_local_for_a_baotou_desk() -> None:
    tagger = PlaceTagger(Gazetteer.load(), jurisdiction=[BAOTOU])
    assert tagger.is_local(tag("昆都仑区新增核酸检测点", tagger))
    assert tagger.is_local(tag("包头", tagger))
    assert not tagger.is_local(tag("北京新增病例", tagger))
    assert not tagger.is_local(tag("内蒙古新增病例", tagger))  # an ancestor is not us
    assert not tagger.is_local([])


def test_jurisdiction_breaks_a_tie_between_namesakes() -> None:
    beijing = PlaceTagger(Gazetteer.load(), jurisdiction=["110000"])
    changchun = PlaceTagger(Gazetteer.load(), jurisdiction=["220100"])
    assert codes("朝阳区发布通告", beijing) == ["110105"]
    assert codes("朝阳区发布通告", changchun) == ["220104"]
    assert codes("长春朝阳区", beijing) == ["220100", "220104"]  # the text's own context wins


def test_two_character_county_short_form_needs_context_or_jurisdiction() -> None:
    assert tag("天全新增病例") == []
    local = PlaceTagger(Gazetteer.load(), jurisdiction=["511800"])
    assert codes("天全新增病例", local) == ["511825"]
    assert codes("雅安天全新增病例") == ["511800", "511825"]


# ---------------------------------------------------------------- local rows


def test_add_local_fictional_city() -> None:
    gazetteer = Gazetteer.load()
    tagger = PlaceTagger(gazetteer, jurisdiction=["990200"])
    assert tag("青岚市钢城街道", tagger) == []  # not yet known
    gazetteer.add_local(fictional_city())
    place = gazetteer.get("990207001002")
    assert place is not None
    assert place.level == "community"
    assert place.path == ("990200", "990207", "990207001", "990207001002")
    assert codes("青岚市钢城街道", tagger) == ["990200", "990207001"]
    assert codes("昆都仑区新增核酸检测点", tagger) == ["990207"]  # our namesake
    assert codes("包头市昆都仑区", tagger) == [BAOTOU, KUNDULUN]  # the real one
    assert codes("城关镇", tagger) == ["990221101"]
    assert codes("钢城街道和平社区", tagger) == ["990207001", "990207001002"]
    assert tagger.is_local(tag("青岚", tagger))
    assert not tagger.is_local(tag("包头市昆都仑区", tagger))


def test_add_local_accepts_communities_filed_as_towns() -> None:
    gazetteer = Gazetteer.load()
    rows = [*fictional_city(), ("990207001003", "钢花社区", "town", "990207001")]
    gazetteer.add_local(rows)
    tagger = PlaceTagger(gazetteer, jurisdiction=["990200"])
    assert codes("钢花社区被划为管控区", tagger) == ["990207001003"]


def test_add_local_namesake_without_jurisdiction_is_ambiguous() -> None:
    gazetteer = Gazetteer.load()
    gazetteer.add_local(fictional_city())
    assert tag("昆都仑区新增核酸检测点", PlaceTagger(gazetteer)) == []


def test_add_local_stays_with_its_gazetteer() -> None:
    mine = Gazetteer.load()
    mine.add_local(fictional_city())
    assert Gazetteer.load().get("990200") is None
    assert [p.code for p in mine.find("青岚市")] == ["990200"]
    assert len(mine) == len(Gazetteer.load()) + len(fictional_city())


@pytest.mark.parametrize(
    "rows",
    [
        [("990300", "某市", "city", "990299")],  # unknown parent
        [("150203", "昆都仑区", "county", "150200")],  # code already there
        [("990300", "某市", "metropolis", None)],  # unknown level
        [("99x", "某市", "city", None)],  # not a code
        [("990300", "某市", "city", None), ("990300", "某县", "county", None)],  # twice
        [("990300", "某区", "county", "150203001")],  # a county below a town
    ],
)
def test_add_local_rejects_bad_rows(rows: list[tuple[str, str, str, str | None]]) -> None:
    with pytest.raises(ValueError):
        Gazetteer.load().add_local(rows)


# ---------------------------------------------------------------- look-ups


def test_get_and_find() -> None:
    gazetteer = Gazetteer.load()
    place = gazetteer.get(KUNDULUN)
    assert place is not None
    assert place.name == "昆都仑区"
    assert gazetteer.get("000000") is None
    assert [p.code for p in gazetteer.find("崇文區")] == ["110101"]
    assert [p.code for p in gazetteer.find("北京")] == ["110000"]
    assert {"110105", "220104"} <= {p.code for p in gazetteer.find("朝阳区")}
    assert gazetteer.lookup("崇文区")[0][1] is Kind.FORMER


@pytest.mark.parametrize(
    ("name", "level", "shorts", "aliases"),
    [
        ("北京市", "province", ["北京"], []),
        ("内蒙古自治区", "province", ["内蒙古"], []),
        ("广西壮族自治区", "province", ["广西"], []),
        ("新疆维吾尔自治区", "province", ["新疆"], []),
        ("包头市", "city", ["包头"], []),
        ("恩施土家族苗族自治州", "city", ["恩施"], ["恩施州"]),
        ("昆都仑区", "county", ["昆都仑"], []),
        ("鄂温克族自治旗", "county", ["鄂温克"], ["鄂温克旗"]),
        ("沛县", "county", [], []),  # one character left
        ("和平区", "county", [], []),  # a common word
        ("于家务回族乡", "town", ["于家务"], []),
    ],
)
def test_name_forms(name: str, level: str, shorts: list[str], aliases: list[str]) -> None:
    assert name_forms(name, level) == (aliases, shorts)


def test_min_short_raises_the_bar_for_short_forms() -> None:
    strict = PlaceTagger(Gazetteer.load(), min_short=3)
    assert tag("包头", strict) == []
    assert codes("昆都仑", strict) == [KUNDULUN]
    assert codes("包头市", strict) == [BAOTOU]


def test_pure_python_scanner_finds_the_same_places(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "内蒙古包头市昆都仑区、长春朝阳区和北京市崇文区,信阳新县,明天全市停水。请广大市"
    expected = tag(text)
    monkeypatch.setattr(places_module, "ahocorasick", None)
    assert tag(text, PlaceTagger(Gazetteer.load())) == expected


# ---------------------------------------------------------------- the data file


def test_every_place_has_a_valid_parent_chain() -> None:
    gazetteer = Gazetteer.load()
    rows = read_shipped_rows()
    assert len({row.code for row in rows}) == len(rows) == len(gazetteer)
    for row in rows:
        place = gazetteer.get(row.code)
        assert place is not None
        assert place.code.isdigit() and len(place.code) in (6, 9, 12)
        assert place.path[-1] == place.code
        if place.parent is None:
            assert place.level == "province"
            assert place.path == (place.code,)
            continue
        parent = gazetteer.get(place.parent)
        assert parent is not None, place
        assert LEVEL_RANK[parent.level] < LEVEL_RANK[place.level], place
        assert place.path[:-1] == parent.path


def test_data_file_covers_every_level() -> None:
    rows = read_shipped_rows()
    counts = {level: sum(row.level == level for row in rows) for level in LEVEL_RANK}
    assert counts["province"] == 34  # with Hong Kong, Macau and Taiwan
    assert counts["city"] > 300 and counts["county"] > 2800 and counts["town"] > 40000
    assert sum(len(row.former) for row in rows) > 1000
    names = {row.name for row in rows}
    assert "市辖区" not in names and "县" not in names  # placeholders are not places


# ---------------------------------------------------------------- properties

_PLACE_CHARS = "".join(
    sorted(set("包头市昆都仑区内蒙古北京朝阳长春崇文吉林新县信阳明天全和平路城关镇街道乡"))
)
_texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(_PLACE_CHARS + ",。 a1"), max_size=80),
)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_hits_are_exact_sorted_and_disjoint(text: str) -> None:
    hits = national().tag(text)
    for hit in hits:
        assert hit.matched == text[hit.start : hit.end]
        assert hit.start < hit.end
    for before, after in pairwise(hits):
        assert before.end <= after.start


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_tag_never_raises_on_any_text(text: str) -> None:
    national().tag(matching_form(text))
