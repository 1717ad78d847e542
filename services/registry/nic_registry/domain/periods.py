"""Inclusive date periods: the registry's history is made of these, open-ended while running."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from nic_registry.domain.errors import InvalidPeriod, PeriodConflict


@dataclass(frozen=True, slots=True)
class Period:
    """[valid_from, valid_to], both days included; valid_to None means still running."""

    valid_from: date
    valid_to: date | None = None

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidPeriod(
                f"period ends ({self.valid_to}) before it starts ({self.valid_from})"
            )

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    def covers(self, day: date) -> bool:
        """True when `day` falls inside the period, both ends included."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def started_on_or_before(self, day: date) -> bool:
        return self.valid_from <= day

    def ended_before(self, day: date) -> bool:
        """True when the last day of the period lies strictly before `day`."""
        return self.valid_to is not None and self.valid_to < day

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share at least one day."""
        self_ends_first = self.valid_to is not None and self.valid_to < other.valid_from
        other_ends_first = other.valid_to is not None and other.valid_to < self.valid_from
        return not (self_ends_first or other_ends_first)

    def ends_within(self, first: date, last: date) -> bool:
        return self.valid_to is not None and first <= self.valid_to <= last

    def starts_within(self, first: date, last: date) -> bool:
        return first <= self.valid_from <= last


def find_overlap(periods: Iterable[Period]) -> tuple[Period, Period] | None:
    """The first pair of overlapping periods in start order, or None."""
    ordered = sorted(periods, key=lambda p: p.valid_from)
    latest_end: Period | None = None
    for period in ordered:
        if latest_end is not None and latest_end.overlaps(period):
            return latest_end, period
        if latest_end is None or _ends_later(period, latest_end):
            latest_end = period
    return None


def ensure_no_overlap(periods: Iterable[Period], what: str) -> None:
    """Raise PeriodConflict naming `what` when any two periods share a day."""
    pair = find_overlap(periods)
    if pair is not None:
        first, second = pair
        raise PeriodConflict(
            f"{what}: period from {second.valid_from} overlaps period "
            f"{first.valid_from}..{first.valid_to or 'open'}"
        )


def one_year_from(start: date) -> date:
    """The last day of a one-year term starting on `start` (29 February rolls to 28 February)."""
    return years_from(start, 1)


def years_from(start: date, years: int) -> date:
    """The last day of a term of `years` years starting on `start` (29 February -> 28th)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February into a non-leap year
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def _ends_later(a: Period, b: Period) -> bool:
    if a.valid_to is None:
        return True
    return b.valid_to is not None and a.valid_to > b.valid_to
