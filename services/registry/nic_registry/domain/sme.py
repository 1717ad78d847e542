"""EU SME class (Recommendation 2003/361/EC Annex Art. 2; REFERENCE.md §3.1).

Thresholds are in EUR, the figures we hold in NOK; the NOK/EUR rate is a parameter because
it is a dated fact, not a constant. Missing data gives UNKNOWN: a size is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nic_shared.contracts.registry_facts import SmeClass


@dataclass(frozen=True, slots=True)
class SmeCeiling:
    """One category's ceilings: staff strictly below, turnover or balance at most (EUR)."""

    sme_class: SmeClass
    staff_below: int
    turnover_eur_max: Decimal
    balance_eur_max: Decimal


#: Annex Art. 2, smallest category first. Legal numbers: pass another table if they change.
EU_2003_361_CEILINGS: tuple[SmeCeiling, ...] = (
    SmeCeiling(SmeClass.MICRO, 10, Decimal(2_000_000), Decimal(2_000_000)),
    SmeCeiling(SmeClass.SMALL, 50, Decimal(10_000_000), Decimal(10_000_000)),
    SmeCeiling(SmeClass.MEDIUM, 250, Decimal(50_000_000), Decimal(43_000_000)),
)


@dataclass(frozen=True, slots=True)
class SmeFigures:
    """What the SME test needs: headcount in annual work units, turnover and balance in NOK.

    Brreg's `antallAnsatte` is not the AWU headcount, so these come from the applicant's
    declaration or the accounts, never from Enhetsregisteret.
    """

    headcount_awu: Decimal | int | None = None
    turnover_nok: int | None = None
    balance_sheet_nok: int | None = None

    def __post_init__(self) -> None:
        for name in ("headcount_awu", "turnover_nok", "balance_sheet_nok"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative")


def sme_class(
    figures: SmeFigures | None,
    nok_per_eur: Decimal,
    *,
    public_controlled: bool = False,
    ceilings: tuple[SmeCeiling, ...] = EU_2003_361_CEILINGS,
) -> SmeClass:
    """The smallest category whose staff limit is met and whose turnover OR balance ceiling is.

    Public control (≥ 25 % held by public bodies, Annex Art. 3(4)) makes any size LARGE.
    UNKNOWN when the headcount is missing, or when a missing financial figure could change
    the answer.
    """
    if nok_per_eur <= 0:
        raise ValueError("the NOK/EUR rate must be positive")
    if public_controlled:
        return SmeClass.LARGE
    if figures is None or figures.headcount_awu is None:
        return SmeClass.UNKNOWN
    for ceiling in ceilings:
        if figures.headcount_awu >= ceiling.staff_below:
            continue
        within = _within_financial_ceiling(figures, ceiling, nok_per_eur)
        if within is None:
            return SmeClass.UNKNOWN
        if within:
            return ceiling.sme_class
    return SmeClass.LARGE


def _within_financial_ceiling(
    figures: SmeFigures, ceiling: SmeCeiling, nok_per_eur: Decimal
) -> bool | None:
    """Whether turnover OR balance is within; None when a missing figure leaves it open."""
    turnover_ok = _at_most(figures.turnover_nok, ceiling.turnover_eur_max * nok_per_eur)
    balance_ok = _at_most(figures.balance_sheet_nok, ceiling.balance_eur_max * nok_per_eur)
    if turnover_ok or balance_ok:
        return True
    if turnover_ok is None or balance_ok is None:
        return None
    return False


def _at_most(value_nok: int | None, limit_nok: Decimal) -> bool | None:
    return None if value_nok is None else Decimal(value_nok) <= limit_nok
