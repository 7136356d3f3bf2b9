"""Tests for the deterministic demo scenario generator."""

from __future__ import annotations

import difflib
import random
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.demo.material import material
from yuqing.demo.places import Locale
from yuqing.demo.rumours import STORYLINES
from yuqing.demo.scenario import DemoItem, Scenario, build_scenario
from yuqing.demo.slots import SlotFiller
from yuqing.demo.timeline import LOCAL_TZ, DayFacts
from yuqing.demo.vocabulary import CHECKPOINTS, RUMOURS, THEMES

MOBILE_NUMBER = re.compile(r"1[3-9]\d{9}")
ID_NUMBER = re.compile(r"\d{17}[\dXx]")
SENTENCE_END = re.compile(r"[。！？]")
TRUTH_KEYS = {"topic", "rumour", "copy_of", "repost_of", "traditional"}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build_scenario(seed=2026, items=5000)


@pytest.fixture(scope="module")
def items(scenario: Scenario) -> list[DemoItem]:
    return list(scenario.items())


def text_of(item: DemoItem) -> str:
    return (item.title or "") + item.body


def is_original(item: DemoItem) -> bool:
    return item.truth["copy_of"] is None and item.truth["repost_of"] is None


# -- determinism and counts ---------------------------------------------------


def test_same_seed_gives_identical_scenario() -> None:
    first = build_scenario(seed=7, items=1500)
    second = build_scenario(seed=7, items=1500)
    assert list(first.items()) == list(second.items())
    assert first.field_reports == second.field_reports
    assert first.tallies == second.tallies


def test_items_can_be_streamed_again_with_same_output(scenario: Scenario) -> None:
    stream = scenario.items()
    assert isinstance(stream, Iterator)
    again = scenario.items()
    for _ in range(500):
        assert next(stream) == next(again)


def test_different_seeds_differ() -> None:
    one = [item.body for item in build_scenario(seed=1, items=300).items()]
    two = [item.body for item in build_scenario(seed=2, items=300).items()]
    assert one != two


@pytest.mark.parametrize("count", [0, 1, 37, 5000])
def test_item_count_is_exact_and_indexes_run_in_order(count: int) -> None:
    indexes = [item.index for item in build_scenario(items=count).items()]
    assert indexes == list(range(count))


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**9),
    count=st.integers(0, 400),
    days=st.integers(1, 10),
)
def test_any_arguments_give_exact_count_inside_window(seed: int, count: int, days: int) -> None:
    scenario = build_scenario(seed=seed, items=count, days=days)
    end = scenario.start + timedelta(days=days)
    produced = list(scenario.items())
    assert len(produced) == count
    assert all(scenario.start <= item.published_at < end for item in produced)
    assert all(item.body.strip() for item in produced)


def test_invalid_arguments_are_rejected() -> None:
    with pytest.raises(ValueError):
        build_scenario(days=0)
    with pytest.raises(ValueError):
        build_scenario(items=-1)
    with pytest.raises(ValueError):
        build_scenario(start=datetime(2026, 11, 16))  # naive


# -- time ---------------------------------------------------------------------


def test_default_start_is_midnight_shanghai_in_utc(scenario: Scenario) -> None:
    assert scenario.start == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    assert scenario.start.utcoffset() == timedelta(0)


def test_published_at_is_aware_utc_inside_window_and_ordered(
    scenario: Scenario, items: list[DemoItem]
) -> None:
    end = scenario.start + timedelta(days=scenario.days)
    for item in items:
        assert item.published_at.utcoffset() == timedelta(0)
        assert scenario.start <= item.published_at < end
    times = [item.published_at for item in items]
    assert times == sorted(times)


def test_nights_are_quieter_than_days(items: list[DemoItem]) -> None:
    hours = Counter(item.published_at.astimezone(LOCAL_TZ).hour for item in items)
    assert sum(hours[h] for h in range(2, 5)) * 4 < sum(hours[h] for h in range(19, 22))


def test_custom_start_and_days_are_respected() -> None:
    start = datetime(2027, 1, 5, 8, 30, tzinfo=LOCAL_TZ)
    scenario = build_scenario(items=400, days=3, start=start)
    assert scenario.start == start
    produced = list(scenario.items())
    assert min(i.published_at for i in produced) >= start
    assert max(i.published_at for i in produced) < start + timedelta(days=3)


def daily_topic_counts(scenario: Scenario, items: list[DemoItem], topic: str) -> list[int]:
    counts = [0] * scenario.days
    for item in items:
        if item.truth["topic"] == topic:
            counts[(item.published_at - scenario.start).days] += 1
    return counts


def test_storylines_rise_and_fall(scenario: Scenario, items: list[DemoItem]) -> None:
    checkpoints = daily_topic_counts(scenario, items, CHECKPOINTS)
    assert checkpoints.index(max(checkpoints)) == 2
    prices = daily_topic_counts(scenario, items, "物价")
    assert prices.index(max(prices)) == 3
    rumours = daily_topic_counts(scenario, items, RUMOURS)
    assert rumours.index(max(rumours)) == 4


# -- shares and labels --------------------------------------------------------


def test_truth_labels_are_complete_and_valid(items: list[DemoItem]) -> None:
    storylines = {story.key for story in STORYLINES}
    for item in items:
        assert set(item.truth) == TRUTH_KEYS
        assert item.truth["topic"] in THEMES
        assert isinstance(item.truth["traditional"], bool)
        rumour = item.truth["rumour"]
        if rumour is not None:
            assert rumour in storylines
            assert item.truth["topic"] == RUMOURS
    assert {item.truth["topic"] for item in items} == set(THEMES)


def test_every_rumour_storyline_recurs(items: list[DemoItem]) -> None:
    seen = Counter(item.truth["rumour"] for item in items if item.truth["rumour"])
    assert set(seen) == {story.key for story in STORYLINES}
    assert min(seen.values()) >= 5


def test_traditional_share_is_about_a_fifth(items: list[DemoItem]) -> None:
    share = sum(bool(item.truth["traditional"]) for item in items) / len(items)
    assert 0.15 <= share <= 0.25


def test_traditional_items_are_written_in_traditional_script(items: list[DemoItem]) -> None:
    to_simplified = opencc.OpenCC("t2s")
    traditional = [text_of(i) for i in items if i.truth["traditional"] and is_original(i)]
    simplified = [text_of(i) for i in items if not i.truth["traditional"] and is_original(i)]
    assert all(to_simplified.convert(text) != text for text in traditional)
    assert all(to_simplified.convert(text) == text for text in simplified)


def test_kunduluen_is_mentioned_in_a_small_share(items: list[DemoItem]) -> None:
    mentions = [i for i in items if "昆都仑" in text_of(i) or "昆都侖" in text_of(i)]
    assert 0.04 <= len(mentions) / len(items) <= 0.12
    assert any("昆都侖" in text_of(i) for i in mentions)
    assert any("昆都仑" in text_of(i) for i in mentions)


def test_key_terms_appear_in_matching_themes(items: list[DemoItem]) -> None:
    def count(term: str, topics: set[str]) -> int:
        return sum(term in text_of(i) for i in items if i.truth["topic"] in topics)

    assert count("口罩", {"物价", "物资供应"}) >= 50
    assert count("核酸检测", {"核酸检测"}) >= 100
    assert count("疫", set(THEMES)) >= 500


# -- reposts and copies ---------------------------------------------------------


def test_reposts_quote_an_earlier_item(items: list[DemoItem]) -> None:
    reposts = [i for i in items if i.truth["repost_of"] is not None]
    assert 0.12 <= len(reposts) / len(items) <= 0.18
    for repost in reposts:
        target_index = repost.truth["repost_of"]
        assert isinstance(target_index, int)
        assert 0 <= target_index < repost.index
        target = items[target_index]
        assert repost.kind == "post"
        assert "//@" in repost.body
        assert f"//@{target.author}:" in repost.body
        assert repost.truth["topic"] == target.truth["topic"]
        assert repost.published_at > target.published_at


def test_only_reposts_carry_a_repost_chain(items: list[DemoItem]) -> None:
    for item in items:
        assert ("//@" in item.body) == (item.truth["repost_of"] is not None), item.body


def test_copies_are_light_edits_of_an_earlier_item(items: list[DemoItem]) -> None:
    copies = [i for i in items if i.truth["copy_of"] is not None]
    assert 0.07 <= len(copies) / len(items) <= 0.13
    for copy in copies:
        target_index = copy.truth["copy_of"]
        assert isinstance(target_index, int)
        assert 0 <= target_index < copy.index
        target = items[target_index]
        assert copy.body != target.body
        assert copy.kind == target.kind
        ratio = difflib.SequenceMatcher(None, copy.body, target.body, autojunk=False).ratio()
        assert ratio > 0.6, (copy.body, target.body)


# -- shape of items -------------------------------------------------------------


def test_urls_and_platform_ids_are_unique(items: list[DemoItem]) -> None:
    urls = [i.url for i in items if i.url is not None]
    ids = [i.platform_id for i in items if i.platform_id is not None]
    assert len(urls) == len(set(urls))
    assert len(ids) == len(set(ids))


def test_articles_and_posts_have_their_own_fields(items: list[DemoItem]) -> None:
    kinds = Counter(item.kind for item in items)
    assert set(kinds) == {"article", "post"}
    for item in items:
        assert item.body.strip()
        if item.kind == "article":
            assert item.url and item.url.startswith("https://")
            assert item.title
            assert item.author
            assert item.platform_id is None
        else:
            assert item.platform_id and item.url is None and item.title is None
            assert len(item.body) <= 200


def test_original_posts_are_short_and_articles_have_3_to_8_sentences(
    items: list[DemoItem],
) -> None:
    for item in filter(is_original, items):
        if item.kind == "post":
            assert 20 <= len(item.body) <= 200, item.body
        else:
            assert 3 <= len(SENTENCE_END.findall(item.body)) <= 8, item.body


def test_engagement_is_heavy_tailed_and_outlets_reach_more(items: list[DemoItem]) -> None:
    for item in items:
        assert min(item.likes, item.reposts, item.comments, item.views) >= 0
    views = sorted(item.views for item in items)
    assert views[-1] > 20 * views[len(views) // 2]

    def median_views(kind: str) -> int:
        chosen = sorted(i.views for i in items if i.kind == kind and is_original(i))
        return chosen[len(chosen) // 2]

    assert median_views("article") > 3 * median_views("post")


def test_no_phone_or_id_numbers_leak(items: list[DemoItem]) -> None:
    for item in items:
        text = text_of(item) + (item.author or "")
        assert not MOBILE_NUMBER.search(text), text
        assert not ID_NUMBER.search(text), text


def test_sources_and_units_referenced_by_items_exist(
    scenario: Scenario, items: list[DemoItem]
) -> None:
    sources = {source.key for source in scenario.sources}
    units = {unit.key for unit in scenario.units}
    for item in items:
        assert item.source_key in sources
        assert item.unit_key is None or item.unit_key in units
    assert len(sources) == len(scenario.sources)
    outlets = {s.key for s in scenario.sources if s.is_public_outlet}
    assert all(s.outlet_name for s in scenario.sources if s.is_public_outlet)
    assert all(0.5 <= s.weight <= 2.0 for s in scenario.sources)
    assert {i.source_key for i in items if i.kind == "article"} <= outlets


def test_every_template_slot_can_be_filled() -> None:
    locale: Locale = material().locales[0]
    facts = DayFacts("11月16日", "11月15日", "11月17日", "3", "5", "80", "2", "90.1", 0.5)
    filler = SlotFiller(random.Random(0), locale, facts)
    for template in material().all_templates():
        for name in template.slots:
            assert filler.knows(name), name


def test_every_post_template_renders_to_20_to_200_characters() -> None:
    mat = material()
    facts = DayFacts("11月16日", "11月15日", "11月17日", "3", "5", "80", "2", "90.1", 0.5)
    templates = [t for pool in mat.posts.values() for t in pool]
    templates += [t for pool in mat.rumour_posts for t in pool]
    templates += [t for pool in mat.hotline.values() for t in pool]
    filler = SlotFiller(random.Random(3), mat.locales[0], facts)
    for template in templates:
        for locale in mat.locales:
            filler.reset(locale, facts)
            text = template.render(filler.value)
            assert 20 <= len(text) <= 200, text


# -- units, officers, reports, tallies ------------------------------------------


def test_units_form_the_fictional_city(scenario: Scenario) -> None:
    assert scenario.city == "青岚市"
    by_key = {unit.key: unit for unit in scenario.units}
    assert len(by_key) == len(scenario.units)
    names = {unit.name for unit in scenario.units}
    assert {
        "昆都仑区",
        "临江县",
        "市卫生健康委员会",
        "市市场监督管理局",
        "市交通运输局",
        "市教育局",
    } <= names
    for unit in scenario.units:
        assert unit.parent_key is None or unit.parent_key in by_key
        if unit.kind in ("school", "enterprise", "department"):
            assert unit.code is None
        else:
            assert unit.code is not None and unit.code.startswith("99")
        if unit.kind in ("city", "district", "county"):
            assert unit.code is not None and len(unit.code) == 6
    kinds = Counter(unit.kind for unit in scenario.units)
    assert kinds["school"] == 2 and kinds["enterprise"] == 1 and kinds["department"] == 4


def test_officers_belong_to_units(scenario: Scenario) -> None:
    units = {unit.key: unit for unit in scenario.units}
    usernames = [officer.username for officer in scenario.officers]
    assert len(usernames) == len(set(usernames))
    assert 10 <= len({officer.unit_key for officer in scenario.officers}) <= 16
    for officer in scenario.officers:
        assert officer.username.isascii()
        assert officer.unit_key in units
        expected = "responder" if units[officer.unit_key].kind == "department" else "officer"
        assert officer.role == expected


def is_late(submitted: datetime, report_day: date) -> bool:
    local = submitted.astimezone(LOCAL_TZ)
    return local.date() > report_day or local.time() > time(17, 0)


def test_field_reports_show_zero_late_and_missing(scenario: Scenario) -> None:
    reports = scenario.field_reports
    officers = {officer.username: officer for officer in scenario.officers}
    assert any(report.is_zero for report in reports)
    assert any(is_late(report.submitted_at, report.report_date) for report in reports)
    first_day = scenario.start.astimezone(LOCAL_TZ).date()
    window = {first_day + timedelta(days=d) for d in range(scenario.days)}
    days_by_unit: dict[str, set[date]] = {}
    for report in reports:
        assert report.report_date in window
        assert report.submitted_at.utcoffset() == timedelta(0)
        assert officers[report.officer_username].unit_key == report.unit_key
        days_by_unit.setdefault(report.unit_key, set()).add(report.report_date)
        if report.is_zero:
            assert report.category is None and report.title is None and report.body is None
        else:
            assert report.category and report.title and report.body
            assert report.urgency in ("一般", "较大", "重大")
    assert any(len(days) < scenario.days for days in days_by_unit.values())
    assert sum(len(days) == scenario.days for days in days_by_unit.values()) >= 5


def test_tallies_cover_the_metric_catalogue(scenario: Scenario) -> None:
    codes = {metric.code for metric in scenario.tally_metrics}
    assert {
        "articles",
        "new_media",
        "leaflets",
        "posters",
        "boards",
        "banners",
        "screens",
        "vehicles",
        "broadcast_hours",
        "visits",
    } <= codes
    units = {unit.key for unit in scenario.units}
    seen: set[tuple[str, str, date]] = set()
    for tally in scenario.tallies:
        assert tally.metric_code in codes
        assert tally.unit_key in units
        assert tally.value >= 0
        key = (tally.unit_key, tally.metric_code, tally.day)
        assert key not in seen
        seen.add(key)
    assert {tally.metric_code for tally in scenario.tallies} == codes
