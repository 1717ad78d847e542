"""State-aid arithmetic (REFERENCE.md §4, §5, §8): the caps table and de minimis shares."""

from __future__ import annotations

from datetime import date

import pytest

from nic_eligibility.domain.aid import (
    GBER_CAPS,
    caps_for,
    de_minimis_share_exceeds,
    effective_collaboration,
    intensity_text,
    sme_cost_share_at_least,
)
from nic_shared.contracts.registry_facts import SmeClass
from nic_shared.events.intake import AidBasis

SMALL, MEDIUM, LARGE = SmeClass.SMALL, SmeClass.MEDIUM, SmeClass.LARGE


def cap(basis, size, on=date(2024, 1, 1), *, collaboration=False, sme_cost_share=True):
    return caps_for(basis, on).cap(size, collaboration=collaboration, sme_cost_share=sme_cost_share)


@pytest.mark.parametrize(("size", "percent"), [(SMALL, 45), (MEDIUM, 35), (LARGE, 25)])
def test_gber_25_experimental_development_by_size(size, percent):
    """REFERENCE §5.1: experimental development 25 % + 20/10 pp for small/medium."""
    assert cap(AidBasis.GBER_25, size) == percent


@pytest.mark.parametrize(("size", "percent"), [(SMALL, 60), (MEDIUM, 50), (LARGE, 40)])
def test_gber_25_effective_collaboration_adds_15_points(size, percent):
    assert cap(AidBasis.GBER_25, size, collaboration=True) == percent


def test_gber_27_is_50_percent_for_everyone():
    assert {cap(AidBasis.GBER_27, s) for s in (SMALL, MEDIUM, LARGE)} == {50}


def test_gber_29_large_gets_15_percent_only_with_smes_bearing_30_percent():
    """REFERENCE §5.3."""
    assert cap(AidBasis.GBER_29, SMALL) == 50
    assert cap(AidBasis.GBER_29, LARGE, sme_cost_share=True) == 15
    assert cap(AidBasis.GBER_29, LARGE, sme_cost_share=False) == 0


def test_gber_49_switches_caps_on_the_2023_amendment_date():
    """REFERENCE §5.4: 50/60/70 before, 60/70/80 from 1 July 2023 (an effective date)."""
    before, after = date(2023, 6, 30), date(2023, 7, 1)
    assert [cap(AidBasis.GBER_49, s, before) for s in (LARGE, MEDIUM, SMALL)] == [50, 60, 70]
    assert [cap(AidBasis.GBER_49, s, after) for s in (LARGE, MEDIUM, SMALL)] == [60, 70, 80]


def test_caps_before_gber_are_not_known():
    with pytest.raises(LookupError):
        caps_for(AidBasis.GBER_29, date(2014, 6, 30))


def test_every_gber_article_of_the_call_has_caps():
    assert {row.basis for row in GBER_CAPS} == {
        AidBasis.GBER_25,
        AidBasis.GBER_27,
        AidBasis.GBER_29,
        AidBasis.GBER_49,
    }


def test_effective_collaboration_needs_an_sme_and_nobody_above_70_percent():
    """Art. 25(6)(b)(i)."""
    smes = frozenset({"a"})
    assert effective_collaboration({"a": 30, "b": 70}, smes)
    assert not effective_collaboration({"a": 29, "b": 71}, smes)
    assert not effective_collaboration({"a": 50, "b": 50}, frozenset())
    assert not effective_collaboration({"a": 100}, smes)


def test_sme_cost_share_at_least_is_inclusive():
    assert sme_cost_share_at_least({"a": 30, "b": 70}, frozenset({"a"}), 30)
    assert not sme_cost_share_at_least({"a": 29, "b": 71}, frozenset({"a"}), 30)


def test_de_minimis_share_is_exact_without_rounding():
    """A third of 1,000,000 is 333,333.33...: 333,333 of headroom is short, 333,334 is not."""
    assert de_minimis_share_exceeds(1_000_000, 1, 3, 333_333)
    assert not de_minimis_share_exceeds(1_000_000, 1, 3, 333_334)


def test_de_minimis_without_costs_needs_no_headroom():
    assert not de_minimis_share_exceeds(1_000_000, 0, 3, None)


def test_intensity_text_rounds_to_one_decimal_without_floats():
    assert intensity_text(501, 1000) == "50.1"
    assert intensity_text(1, 3) == "33.3"
    assert intensity_text(2, 3) == "66.7"
    assert intensity_text(5, 0) == "-"
