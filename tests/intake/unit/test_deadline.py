"""Deadlines are Oslo wall-clock times; a submission at the deadline itself is late."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_intake.domain.deadline import (
    OSLO,
    AmbiguousLocalTimeError,
    NaiveInstantError,
    NonexistentLocalTimeError,
    in_oslo,
    is_open,
    oslo_instant,
)

OPENS = datetime(2020, 1, 1, tzinfo=UTC)


def oslo(day: date, hh: int, mm: int, ss: int = 0, ms: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss, ms * 1000), tzinfo=OSLO)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(date(2021, 10, 1), 14), (date(2021, 12, 1), 15)],
    ids=["summer-time", "winter-time"],
)
def test_16_00_oslo_is_the_right_utc_instant(day: date, utc_hour: int) -> None:
    assert oslo_instant(day, time(16, 0)) == datetime.combine(day, time(utc_hour), tzinfo=UTC)


@pytest.mark.parametrize("day", [date(2023, 9, 1), date(2022, 1, 14)], ids=["summer", "winter"])
def test_one_millisecond_before_the_deadline_is_accepted(day: date) -> None:
    deadline = oslo_instant(day, time(16, 0))
    assert is_open(oslo(day, 15, 59, 59, 999), OPENS, deadline)


@pytest.mark.parametrize("day", [date(2023, 9, 1), date(2022, 1, 14)], ids=["summer", "winter"])
def test_at_the_deadline_is_refused(day: date) -> None:
    deadline = oslo_instant(day, time(16, 0))
    assert not is_open(oslo(day, 16, 0, 0, 0), OPENS, deadline)
    assert not is_open(oslo(day, 16, 0, 0, 1), OPENS, deadline)


def test_the_window_opens_exactly_at_opens_at() -> None:
    opens = oslo_instant(date(2023, 5, 12), time(0, 0))
    deadline = oslo_instant(date(2023, 9, 1), time(16, 0))
    assert is_open(opens, opens, deadline)
    assert not is_open(opens - timedelta(milliseconds=1), opens, deadline)


def test_a_time_skipped_by_spring_forward_is_refused() -> None:
    with pytest.raises(NonexistentLocalTimeError):
        oslo_instant(date(2024, 3, 31), time(2, 30))


def test_a_time_repeated_by_fall_back_is_refused() -> None:
    with pytest.raises(AmbiguousLocalTimeError):
        oslo_instant(date(2024, 10, 27), time(2, 30))


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2023, 9, 1, 15)  # noqa: DTZ001 - the point of the test
    deadline = oslo_instant(date(2023, 9, 1), time(16, 0))
    with pytest.raises(NaiveInstantError):
        is_open(naive, OPENS, deadline)


def test_in_oslo_shows_the_same_instant_on_the_oslo_clock() -> None:
    shown = in_oslo(datetime(2021, 10, 1, 14, tzinfo=UTC))
    assert (shown.hour, shown.tzinfo) == (16, OSLO)


WALL_CLOCK = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - Oslo wall-clock times are naive by design
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
)


@given(WALL_CLOCK)
def test_any_unambiguous_oslo_time_round_trips(naive: datetime) -> None:
    try:
        instant = oslo_instant(naive.date(), naive.time())
    except (NonexistentLocalTimeError, AmbiguousLocalTimeError):
        assert naive.month in (3, 10)
        assert naive.hour in (2, 3)
        return
    assert instant.tzinfo is UTC
    assert instant.astimezone(OSLO).replace(tzinfo=None) == naive
