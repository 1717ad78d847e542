"""Totals in whole NOK; aid intensity is computed exactly, never typed in."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_intake.domain.budget import (
    aid_intensity,
    aid_intensity_percent,
    max_grant_at_intensity,
    total_eligible_cost,
    totals_per_partner,
    totals_per_year,
    within_intensity,
)
from nic_shared.events.intake import BudgetLine

A, B = "910000004", "910000012"


def line(partner: str, year: int, amount: int, category: str = "personnel") -> BudgetLine:
    return BudgetLine(category=category, year=year, partner=partner, amount_nok=amount)


LINES = [line(A, 2025, 100_000), line(B, 2024, 50_000), line(A, 2024, 25_000, "travel")]


def test_total_eligible_cost_is_the_sum_of_the_lines() -> None:
    assert total_eligible_cost(LINES) == 175_000
    assert total_eligible_cost([]) == 0


def test_totals_per_partner_and_per_year() -> None:
    assert totals_per_partner(LINES) == {A: 125_000, B: 50_000}
    assert totals_per_year(LINES) == {2024: 75_000, 2025: 100_000}
    assert list(totals_per_year(LINES)) == [2024, 2025]


def test_intensity_is_an_exact_fraction() -> None:
    assert aid_intensity(100_000, 300_000) == Fraction(1, 3)
    assert aid_intensity_percent(100_000, 300_000) == Decimal("33.33")
    assert aid_intensity_percent(200_000, 300_000) == Decimal("66.67")


def test_exactly_50_percent_is_within_and_one_krone_more_is_not() -> None:
    assert within_intensity(300_000, 600_000, 50)
    assert not within_intensity(300_001, 600_000, 50)
    assert not within_intensity(150_001, 300_001, 50)  # 50.0000166 % rounds to 50.00 %
    assert aid_intensity_percent(150_001, 300_001) == Decimal("50.00")


def test_largest_grant_at_an_intensity_rounds_down() -> None:
    assert max_grant_at_intensity(300_001, 50) == 150_000
    assert within_intensity(max_grant_at_intensity(300_001, 50), 300_001, 50)


def test_intensity_of_nothing_is_undefined() -> None:
    with pytest.raises(ValueError, match="positive eligible cost"):
        aid_intensity(1, 0)


def test_no_grant_is_within_any_intensity_even_without_cost() -> None:
    assert within_intensity(0, 0, 50)
    assert not within_intensity(1, 0, 50)


@given(
    grant=st.integers(min_value=0, max_value=10**12),
    cost=st.integers(min_value=1, max_value=10**12),
    percent=st.integers(min_value=0, max_value=100),
)
def test_integer_comparison_agrees_with_exact_fractions(
    grant: int, cost: int, percent: int
) -> None:
    exact = aid_intensity(grant, cost) <= Fraction(percent, 100)
    assert within_intensity(grant, cost, percent) is exact
    assert within_intensity(max_grant_at_intensity(cost, percent), cost, percent)
    assert not within_intensity(max_grant_at_intensity(cost, percent) + 1, cost, percent)
