"""The decision rules on their own: amounts, four-eyes, answers, appeal, reserve order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from nic_intake.domain.decisions import (
    DecisionRuleBroken,
    Outcome,
    Reserve,
    acceptance_deadline,
    appeal_deadline,
    check_amount,
    check_answer,
    check_four_eyes,
    promotions,
)


def amount(**overrides):
    args = {
        "outcome": Outcome.GRANTED,
        "amount_nok": 1_000_000,
        "recommended_nok": 1_000_000,
        "amount_reason": None,
        "committed_elsewhere_nok": 0,
        "frame_nok": 5_000_000,
    }
    args.update(overrides)
    check_amount(**args)


def rule(call) -> str:
    with pytest.raises(DecisionRuleBroken) as caught:
        call()
    return caught.value.rule


def test_grant_at_the_recommendation_within_the_frame_is_allowed():
    amount()
    amount(amount_nok=500_000)


def test_amount_above_recommendation_needs_a_reason():
    assert rule(lambda: amount(amount_nok=1_000_001)) == "amount_above_recommendation"
    assert rule(lambda: amount(amount_nok=1_000_001, amount_reason="  ")) == (
        "amount_above_recommendation"
    )
    amount(amount_nok=1_000_001, amount_reason="Panelet anbefalte utvidet pilot")


def test_amount_never_above_the_frame_even_with_a_reason():
    assert (
        rule(
            lambda: amount(
                amount_nok=2_000_000,
                amount_reason="why",
                committed_elsewhere_nok=3_500_000,
            )
        )
        == "amount_above_frame"
    )
    amount(committed_elsewhere_nok=4_000_000)  # exactly the frame


def test_only_a_grant_has_an_amount():
    assert rule(lambda: amount(outcome=Outcome.REJECTED)) == "amount_only_when_granted"
    amount(outcome=Outcome.RESERVE, amount_nok=0)
    assert rule(lambda: amount(amount_nok=0)) == "amount_positive"


def test_the_drafting_officer_cannot_approve():
    assert rule(lambda: check_four_eyes(created_by="a", approver="a")) == "four_eyes"
    check_four_eyes(created_by="a", approver="b")


def test_answer_only_once_and_before_the_deadline():
    deadline = datetime(2026, 5, 15, 21, 59, 59, tzinfo=UTC)
    before = datetime(2026, 5, 15, 21, 0, tzinfo=UTC)
    after = datetime(2026, 5, 15, 22, 0, tzinfo=UTC)
    check_answer(outcome=Outcome.GRANTED, answered=False, deadline=deadline, now=before)
    assert (
        rule(
            lambda: check_answer(
                outcome=Outcome.GRANTED, answered=False, deadline=deadline, now=after
            )
        )
        == "acceptance_deadline"
    )
    assert (
        rule(
            lambda: check_answer(
                outcome=Outcome.GRANTED, answered=True, deadline=deadline, now=before
            )
        )
        == "answered_once"
    )
    assert (
        rule(
            lambda: check_answer(
                outcome=Outcome.RESERVE, answered=False, deadline=deadline, now=before
            )
        )
        == "answer_only_when_granted"
    )


def test_appeal_deadline_is_three_weeks_from_the_letter_in_oslo():
    # 23:30 UTC on 30 April is already 1 May in Oslo
    assert appeal_deadline(datetime(2026, 4, 30, 23, 30, tzinfo=UTC)) == date(2026, 5, 22)


def test_acceptance_deadline_ends_the_oslo_day():
    end = acceptance_deadline(datetime(2026, 5, 1, 10, tzinfo=UTC), 14)
    assert end.isoformat() == "2026-05-15T23:59:59+02:00"


def test_reserves_move_up_in_ranking_order_within_the_frame():
    reserves = [Reserve("c", 5, 300), Reserve("a", 3, 500), Reserve("b", 4, 400)]
    assert [r.decision_id for r in promotions(reserves, available_nok=950)] == ["a", "b"]
    assert promotions(reserves, available_nok=499) == []  # a cheaper lower rank never jumps


def test_no_money_no_promotion():
    assert promotions([Reserve("a", 1, 1)], available_nok=0) == []
