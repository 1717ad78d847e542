from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_registry.domain.errors import InvalidPeriod, PeriodConflict
from nic_registry.domain.periods import Period, ensure_no_overlap, find_overlap, one_year_from


def test_period_ending_before_it_starts_is_invalid():
    with pytest.raises(InvalidPeriod):
        Period(date(2024, 5, 1), date(2024, 4, 30))


def test_one_day_period_is_valid_and_covers_that_day():
    assert Period(date(2024, 5, 1), date(2024, 5, 1)).covers(date(2024, 5, 1))


def test_both_ends_are_included():
    p = Period(date(2023, 1, 1), date(2023, 6, 30))
    assert p.covers(date(2023, 1, 1))
    assert p.covers(date(2023, 6, 30))
    assert not p.covers(date(2023, 7, 1))
    assert not p.covers(date(2022, 12, 31))


def test_open_period_covers_every_later_day():
    assert Period(date(2020, 1, 1)).covers(date(2099, 1, 1))


def test_periods_sharing_only_the_boundary_day_overlap():
    a = Period(date(2023, 1, 1), date(2023, 6, 30))
    b = Period(date(2023, 6, 30), None)
    assert a.overlaps(b)


def test_adjacent_periods_do_not_overlap():
    a = Period(date(2023, 1, 1), date(2023, 6, 30))
    b = Period(date(2023, 7, 1), None)
    assert not a.overlaps(b)
    ensure_no_overlap([b, a], "level")


def test_open_period_overlaps_any_later_period():
    with pytest.raises(PeriodConflict):
        ensure_no_overlap(
            [Period(date(2020, 1, 1)), Period(date(2030, 1, 1), date(2030, 2, 1))], "x"
        )


def test_overlap_hidden_behind_a_short_period_is_found():
    long = Period(date(2020, 1, 1), date(2025, 1, 1))
    short = Period(date(2020, 2, 1), date(2020, 3, 1))
    later = Period(date(2024, 1, 1), date(2024, 2, 1))
    assert find_overlap([long, short, later]) is not None
    assert find_overlap([long, later]) == (long, later)


def test_one_year_term_from_leap_day_ends_on_28_february():
    assert one_year_from(date(2024, 2, 29)) == date(2025, 2, 28)
    assert one_year_from(date(2024, 3, 1)) == date(2025, 2, 28)
    assert one_year_from(date(2023, 3, 1)) == date(2024, 2, 29)


_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def periods(draw):
    start = draw(_days)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2040, 12, 31))))
    return Period(start, end)


@given(periods(), periods())
def test_overlap_is_symmetric_and_means_a_shared_day(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    shared_first = max(a.valid_from, b.valid_from)
    assert a.overlaps(b) == (a.covers(shared_first) and b.covers(shared_first))


@given(st.lists(periods(), max_size=6))
def test_find_overlap_agrees_with_pairwise_check(ps):
    pairwise = any(ps[i].overlaps(ps[j]) for i in range(len(ps)) for j in range(i + 1, len(ps)))
    assert (find_overlap(ps) is not None) == pairwise
