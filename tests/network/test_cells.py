"""The cell readers: what they accept round-trips, what they refuse is BadInput."""

from __future__ import annotations

import contextlib
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.errors import BadInput
from yuqing.network.cells import parse_day, parse_deadline, parse_value


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{d.year}年{d.month}月{d.day}日"]),
)
def test_days_in_any_written_form_round_trip(day: date, form: str) -> None:
    assert parse_day(form.format(day, d=day)) == day


@given(st.integers(min_value=0, max_value=10**9))
def test_counts_with_thousands_separators_round_trip(n: int) -> None:
    assert parse_value(f"{n:,}") == n
    assert parse_value(n) == n


@given(st.times())
def test_deadlines_round_trip(moment: time) -> None:
    assert parse_deadline(f"{moment:%H:%M}") == moment.replace(second=0, microsecond=0, tzinfo=None)


@given(st.text(max_size=20))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    for parse in (parse_day, parse_value, parse_deadline):
        with contextlib.suppress(BadInput):
            parse(text)


@pytest.mark.parametrize("raw", ["-1", "1e400", "abc", "", True, float("inf"), "1,23"])
def test_bad_counts(raw: object) -> None:
    with pytest.raises(BadInput):
        parse_value(raw)
