"""Budget arithmetic in whole NOK, and aid intensity computed from the budget.

Aid intensity is never typed in by the applicant: it is the requested grant over the total
eligible cost, kept as an exact Fraction so that "at most 50 %" is decided without rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from nic_shared.events.intake import BudgetLine


def total_eligible_cost(lines: Iterable[BudgetLine]) -> int:
    """Sum of all budget lines in NOK."""
    return sum(line.amount_nok for line in lines)


def totals_per_partner(lines: Iterable[BudgetLine]) -> dict[str, int]:
    """Cost per partner key, in first-seen order."""
    totals: defaultdict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.partner] += line.amount_nok
    return dict(totals)


def totals_per_year(lines: Iterable[BudgetLine]) -> dict[int, int]:
    """Cost per calendar year, years ascending."""
    totals: defaultdict[int, int] = defaultdict(int)
    for line in lines:
        totals[line.year] += line.amount_nok
    return dict(sorted(totals.items()))


def aid_intensity(grant_nok: int, eligible_cost_nok: int) -> Fraction:
    """Grant as an exact share of eligible cost (0.5 == 50 %); undefined for zero cost."""
    if grant_nok < 0:
        raise ValueError("a grant cannot be negative")
    if eligible_cost_nok <= 0:
        raise ValueError("aid intensity needs a positive eligible cost")
    return Fraction(grant_nok, eligible_cost_nok)


def aid_intensity_percent(grant_nok: int, eligible_cost_nok: int, places: int = 2) -> Decimal:
    """The intensity as a percent for display, rounded half up; never use it to decide."""
    share = aid_intensity(grant_nok, eligible_cost_nok) * 100
    exact = Decimal(share.numerator) / Decimal(share.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def within_intensity(grant_nok: int, eligible_cost_nok: int, max_percent: int) -> bool:
    """True iff grant / cost <= max_percent / 100, decided in integers (no rounding)."""
    if grant_nok < 0 or eligible_cost_nok < 0:
        raise ValueError("amounts cannot be negative")
    return grant_nok * 100 <= max_percent * eligible_cost_nok


def max_grant_at_intensity(eligible_cost_nok: int, max_percent: int) -> int:
    """The largest whole-NOK grant the intensity allows (rounded down)."""
    if eligible_cost_nok < 0:
        raise ValueError("eligible cost cannot be negative")
    return eligible_cost_nok * max_percent // 100
