"""Reviewers' marks combine per criterion (mean or median), exactly; thresholds are floors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_scoring.domain.marks import (
    InvalidMarksError,
    aggregate_marks,
    display,
    to_decimal,
    weighted_total,
)
from nic_scoring.domain.panel_score import score_consensus, score_reviews
from nic_scoring.domain.thresholds import ThresholdMiss, check_thresholds
from nic_shared.events.scoring import CriterionMark

CRITERIA = ("anchoring", "innovation", "sustainability", "feasibility")


def review(*four: int | str) -> list[CriterionMark]:
    return [
        CriterionMark(criterion_id=c, mark=Decimal(str(m)))
        for c, m in zip(CRITERIA, four, strict=True)
    ]


def test_the_mean_of_two_reviewers_is_exact(innovasjonsrammen):
    means = aggregate_marks(innovasjonsrammen, [review(5, 6, 4, 7), review(6, 6, 5, 7)])
    assert means == {
        "anchoring": Decimal("5.5"),
        "innovation": Decimal(6),
        "sustainability": Decimal("4.5"),
        "feasibility": Decimal(7),
    }


def test_a_mean_that_does_not_terminate_keeps_34_digits_and_shows_rounded(innovasjonsrammen):
    means = aggregate_marks(
        innovasjonsrammen, [review(5, 1, 1, 1), review(6, 1, 1, 1), review(6, 1, 1, 1)]
    )
    assert means["anchoring"] == to_decimal(Fraction(17, 3))
    assert len(means["anchoring"].as_tuple().digits) == 34
    assert display(means["anchoring"]) == Decimal("5.67")


def test_the_median_is_the_middle_mark_or_the_mean_of_the_middle_two(scheme_factory):
    median_scheme = scheme_factory(
        dict(zip(CRITERIA, (25, 35, 20, 20), strict=True)), aggregation="median"
    )
    odd = aggregate_marks(
        median_scheme, [review(1, 1, 1, 1), review(6, 2, 2, 2), review(7, 7, 3, 3)]
    )
    even = aggregate_marks(median_scheme, [review(1, 1, 1, 1), review(6, 2, 2, 2)])
    assert odd["anchoring"] == Decimal(6)
    assert even["anchoring"] == Decimal("3.5")


def test_every_review_is_checked_before_it_is_combined(innovasjonsrammen):
    with pytest.raises(InvalidMarksError):
        aggregate_marks(innovasjonsrammen, [review(5, 6, 4, 7), review(5, 6, 4, 9)])
    with pytest.raises(ValueError, match="at least one review"):
        aggregate_marks(innovasjonsrammen, [])


def test_equal_exact_totals_tie_even_when_the_means_do_not_terminate(innovasjonsrammen):
    first = [review(1, 6, 3, 6), review(6, 5, 4, 5), review(7, 6, 2, 3)]
    second = [review(3, 6, 4, 3), review(5, 4, 2, 5), review(6, 7, 7, 2)]
    # Both are exactly 281/60; weighting the 34-digit means would split them in the last digit.
    assert score_reviews(innovasjonsrammen, first).weighted_total == to_decimal(Fraction(281, 60))
    assert (
        score_reviews(innovasjonsrammen, first).weighted_total
        == score_reviews(innovasjonsrammen, second).weighted_total
    )
    naive = weighted_total(innovasjonsrammen, aggregate_marks(innovasjonsrammen, first))
    assert naive != score_reviews(innovasjonsrammen, first).weighted_total


reviews_strategy = st.lists(
    st.tuples(*[st.integers(min_value=1, max_value=7)] * 4), min_size=1, max_size=6
)


@given(reviews_strategy, st.randoms())
def test_the_order_of_the_reviews_does_not_matter(innovasjonsrammen, raw, rnd):
    shuffled = list(raw)
    rnd.shuffle(shuffled)
    first = score_reviews(innovasjonsrammen, [review(*r) for r in raw])
    second = score_reviews(innovasjonsrammen, [review(*r) for r in shuffled])
    assert first == second


def test_a_mark_equal_to_its_threshold_passes(scheme_factory):
    scheme = scheme_factory({"excellence": 50, "impact": 50}, thresholds={"excellence": "4"})
    marks = {"excellence": Decimal(4), "impact": Decimal(1)}
    assert check_thresholds(scheme, marks, Decimal("2.5")).passed


def test_every_missed_threshold_is_a_reason(scheme_factory):
    scheme = scheme_factory(
        {"excellence": 50, "impact": 50},
        thresholds={"excellence": "4", "impact": "3"},
        overall_threshold=Decimal("4.5"),
    )
    marks = {"excellence": Decimal("3.5"), "impact": Decimal(5)}
    result = check_thresholds(scheme, marks, Decimal("4.25"))
    assert not result.passed
    assert result.misses == (
        ThresholdMiss("excellence", Decimal(4), Decimal("3.5")),
        ThresholdMiss(None, Decimal("4.5"), Decimal("4.25")),
    )
    assert result.reasons == [
        "excellence: 3.5 is below the threshold 4",
        "weighted total: 4.25 is below the threshold 4.5",
    ]


def test_thresholds_compare_exact_values_not_displayed_ones(scheme_factory):
    scheme = scheme_factory({"excellence": 100}, thresholds={"excellence": "4"})
    just_below = {"excellence": Decimal("3.995")}
    assert display(just_below["excellence"]) == Decimal("4.00")
    assert not check_thresholds(scheme, just_below, Decimal("3.995")).passed


def test_a_panel_score_applies_the_thresholds_to_the_aggregates(scheme_factory):
    scheme = scheme_factory(
        dict(zip(CRITERIA, (25, 35, 20, 20), strict=True)), thresholds={"innovation": "5"}
    )
    score = score_reviews(scheme, [review(7, 4, 7, 7), review(7, 5, 7, 7)])
    assert score.marks["innovation"] == Decimal("4.5")
    assert not score.passed_thresholds
    assert [m.criterion_id for m in score.thresholds.misses] == ["innovation"]
    assert score.by_consensus is False


def test_a_consensus_is_scored_like_one_review(innovasjonsrammen):
    score = score_consensus(innovasjonsrammen, review(6, 5, 4, 7))
    assert score.weighted_total == Decimal("5.45")
    assert score.by_consensus is True
    assert score.passed_thresholds
