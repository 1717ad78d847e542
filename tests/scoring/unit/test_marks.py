"""Marks must fit the call's scheme; the weighted total is Σ mark × weight / 100, exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_scoring.domain.marks import (
    InvalidMarksError,
    MarkRule,
    display,
    validate_marks,
    weighted_total,
)
from nic_shared.events.scoring import CriterionMark


def marks(**values: str | int) -> list[CriterionMark]:
    return [CriterionMark(criterion_id=k, mark=Decimal(str(v))) for k, v in values.items()]


def problems_of(error: pytest.ExceptionInfo[InvalidMarksError]) -> set[tuple[str, MarkRule]]:
    return {(p.criterion_id, p.rule) for p in error.value.problems}


def test_worked_example_innovasjonsrammen_6_5_4_7_gives_5_45(innovasjonsrammen):
    given_marks = marks(anchoring=6, innovation=5, sustainability=4, feasibility=7)
    valid = validate_marks(innovasjonsrammen, given_marks)
    # 6×25 + 5×35 + 4×20 + 7×20 = 545; 545 / 100 = 5.45
    assert weighted_total(innovasjonsrammen, valid) == Decimal("5.45")


def test_valid_marks_come_back_in_the_schemes_criterion_order(innovasjonsrammen):
    given_marks = marks(feasibility=7, sustainability=4, innovation=5, anchoring=6)
    valid = validate_marks(innovasjonsrammen, given_marks)
    assert list(valid) == ["anchoring", "innovation", "sustainability", "feasibility"]


def test_every_criterion_must_be_marked(innovasjonsrammen):
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(innovasjonsrammen, marks(anchoring=6, innovation=5))
    assert problems_of(error) == {
        ("sustainability", MarkRule.MISSING),
        ("feasibility", MarkRule.MISSING),
    }


def test_a_criterion_the_call_does_not_have_is_refused(innovasjonsrammen):
    given_marks = marks(anchoring=6, innovation=5, sustainability=4, feasibility=7, relevance=3)
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(innovasjonsrammen, given_marks)
    assert problems_of(error) == {("relevance", MarkRule.UNKNOWN_CRITERION)}


def test_a_criterion_marked_twice_is_refused(innovasjonsrammen):
    given_marks = marks(anchoring=6, innovation=5, sustainability=4, feasibility=7)
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(innovasjonsrammen, [*given_marks, *marks(innovation=6)])
    assert problems_of(error) == {("innovation", MarkRule.DUPLICATE)}


@pytest.mark.parametrize(
    ("mark", "rule"),
    [
        ("0", MarkRule.OUT_OF_RANGE),
        ("8", MarkRule.OUT_OF_RANGE),
        ("4.5", MarkRule.OFF_STEP),
    ],
)
def test_a_mark_must_lie_on_the_scale_and_on_a_step(innovasjonsrammen, mark, rule):
    given_marks = marks(anchoring=mark, innovation=5, sustainability=4, feasibility=7)
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(innovasjonsrammen, given_marks)
    assert problems_of(error) == {("anchoring", rule)}


def test_a_mark_that_is_not_a_number_is_refused_even_past_the_event_model(innovasjonsrammen):
    nan = CriterionMark.model_construct(criterion_id="anchoring", mark=Decimal("NaN"))
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(
            innovasjonsrammen, [nan, *marks(innovation=5, sustainability=4, feasibility=7)]
        )
    assert problems_of(error) == {("anchoring", MarkRule.NOT_A_NUMBER)}


def test_half_marks_are_fine_on_a_half_step_scale(scheme_factory):
    horizon = scheme_factory({"excellence": 50, "impact": 50}, scale=("0", "5", "0.5"))
    valid = validate_marks(horizon, marks(excellence="4.5", impact="0"))
    assert weighted_total(horizon, valid) == Decimal("2.25")


def test_all_problems_are_listed_at_once_with_criterion_and_rule(innovasjonsrammen):
    with pytest.raises(InvalidMarksError) as error:
        validate_marks(innovasjonsrammen, marks(anchoring=9, innovation="5.5", other=1))
    assert problems_of(error) == {
        ("anchoring", MarkRule.OUT_OF_RANGE),
        ("innovation", MarkRule.OFF_STEP),
        ("sustainability", MarkRule.MISSING),
        ("feasibility", MarkRule.MISSING),
        ("other", MarkRule.UNKNOWN_CRITERION),
    }
    assert "anchoring: out_of_range" in str(error.value)


def test_the_total_of_aggregated_marks_needs_no_step_but_every_criterion(innovasjonsrammen):
    means = {"anchoring": Decimal("5.5"), "innovation": Decimal("6"), "sustainability": Decimal(4)}
    with pytest.raises(InvalidMarksError):
        weighted_total(innovasjonsrammen, means)
    assert weighted_total(innovasjonsrammen, {**means, "feasibility": Decimal(7)}) == Decimal(
        "5.675"
    )


def test_rounding_is_half_up_and_only_for_display():
    assert display(Decimal("5.445")) == Decimal("5.45")
    assert display(Decimal("5.675"), places=1) == Decimal("5.7")


scale_mark = st.integers(min_value=1, max_value=7).map(Decimal)


@given(st.tuples(scale_mark, scale_mark, scale_mark, scale_mark))
def test_the_total_lies_between_the_lowest_and_highest_mark(innovasjonsrammen, four):
    criteria = ["anchoring", "innovation", "sustainability", "feasibility"]
    total = weighted_total(innovasjonsrammen, dict(zip(criteria, four, strict=True)))
    assert min(four) <= total <= max(four)
    assert total == total.quantize(Decimal("0.01"))  # weights in whole percent: exact to 2 places
