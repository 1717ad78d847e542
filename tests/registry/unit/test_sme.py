from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_registry.domain.sme import SmeFigures, sme_class
from nic_shared.contracts.registry_facts import SmeClass

RATE = Decimal("11.50")  # NOK per EUR
MILLION_EUR_IN_NOK = 11_500_000


def nok(eur_millions: float) -> int:
    return int(Decimal(str(eur_millions)) * MILLION_EUR_IN_NOK)


def test_nine_staff_and_small_turnover_is_micro():
    assert sme_class(SmeFigures(9, nok(1.9), nok(50)), RATE) is SmeClass.MICRO


def test_ten_staff_is_not_micro_whatever_the_money():
    assert sme_class(SmeFigures(10, nok(1), nok(1)), RATE) is SmeClass.SMALL


def test_turnover_at_the_ceiling_is_within_it():
    assert sme_class(SmeFigures(5, nok(2), None), RATE) is SmeClass.MICRO


def test_balance_alone_can_meet_the_ceiling():
    assert sme_class(SmeFigures(40, nok(30), nok(9)), RATE) is SmeClass.SMALL


def test_medium_balance_ceiling_is_43_million():
    assert sme_class(SmeFigures(200, nok(60), nok(43)), RATE) is SmeClass.MEDIUM
    assert sme_class(SmeFigures(200, nok(60), nok(44)), RATE) is SmeClass.LARGE


def test_250_staff_is_large_even_with_tiny_accounts():
    assert sme_class(SmeFigures(250, 0, 0), RATE) is SmeClass.LARGE


def test_fractional_work_units_count():
    assert sme_class(SmeFigures(Decimal("9.9"), nok(1), nok(1)), RATE) is SmeClass.MICRO


def test_missing_headcount_is_unknown_never_guessed():
    assert sme_class(SmeFigures(None, nok(1), nok(1)), RATE) is SmeClass.UNKNOWN
    assert sme_class(None, RATE) is SmeClass.UNKNOWN


def test_missing_both_financial_figures_is_unknown():
    assert sme_class(SmeFigures(3, None, None), RATE) is SmeClass.UNKNOWN


def test_missing_figure_that_could_change_the_class_gives_unknown():
    # Balance above the micro ceiling; unknown turnover might still be within it.
    assert sme_class(SmeFigures(3, None, nok(3)), RATE) is SmeClass.UNKNOWN


def test_public_controlled_company_is_large_whatever_its_size():
    assert sme_class(SmeFigures(3, nok(1), nok(1)), RATE, public_controlled=True) is SmeClass.LARGE
    assert sme_class(None, RATE, public_controlled=True) is SmeClass.LARGE


def test_the_rate_decides_where_the_nok_figure_lands():
    figures = SmeFigures(5, 23_000_000, 10**9)
    assert sme_class(figures, Decimal("11.50")) is SmeClass.MICRO
    assert sme_class(figures, Decimal("11.00")) is SmeClass.SMALL


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="rate"):
        sme_class(SmeFigures(5, 1, 1), Decimal(0))


def test_negative_figures_are_refused():
    with pytest.raises(ValueError, match="negative"):
        SmeFigures(5, -1, 1)


money = st.integers(min_value=0, max_value=10**12)


@given(st.integers(0, 400), money, money, money)
def test_more_turnover_never_makes_a_company_smaller(staff, turnover, extra, balance):
    order = [SmeClass.MICRO, SmeClass.SMALL, SmeClass.MEDIUM, SmeClass.LARGE]
    before = sme_class(SmeFigures(staff, turnover, balance), RATE)
    after = sme_class(SmeFigures(staff, turnover + extra, balance), RATE)
    assert order.index(after) >= order.index(before)


@given(st.integers(0, 400), money, money)
def test_known_figures_never_give_unknown(staff, turnover, balance):
    assert sme_class(SmeFigures(staff, turnover, balance), RATE) is not SmeClass.UNKNOWN
