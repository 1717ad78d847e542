"""Ranking by weighted total with tie-breaks, thresholds, and funding in strict rank order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_scoring.domain.marks import InvalidMarksError, weighted_total
from nic_scoring.domain.ranking import ScoredApplication, rank_applications
from nic_shared.events.scoring import FundingOutcome

CRITERIA = ("anchoring", "innovation", "sustainability", "feasibility")
DEADLINE = datetime(2023, 9, 1, 14, 0, tzinfo=UTC)


def app_id(n: int) -> UUID:
    return UUID(int=n)


def scored(
    scheme,
    n: int,
    four: tuple[int, int, int, int] = (5, 5, 5, 5),
    *,
    nok: int = 300_000,
    minutes_before_deadline: int = 60,
) -> ScoredApplication:
    marks = {c: Decimal(m) for c, m in zip(CRITERIA, four, strict=True)}
    return ScoredApplication(
        application_id=app_id(n),
        marks=marks,
        weighted_total=weighted_total(scheme, marks),
        requested_amount_nok=nok,
        submitted_at=DEADLINE - timedelta(minutes=minutes_before_deadline),
    )


def ids_of(entries) -> list[UUID]:
    return [e.application_id for e in entries]


def test_three_requests_of_300k_fit_a_1m_frame_and_the_fourth_goes_to_reserve(innovasjonsrammen):
    apps = [scored(innovasjonsrammen, n, (7 - n, 7 - n, 7 - n, 7 - n)) for n in range(1, 5)]
    ranking = rank_applications(innovasjonsrammen, apps, budget_frame_nok=1_000_000)
    assert [(e.rank, e.outcome) for e in ranking.entries] == [
        (1, FundingOutcome.RECOMMENDED),
        (2, FundingOutcome.RECOMMENDED),
        (3, FundingOutcome.RECOMMENDED),
        (4, FundingOutcome.RESERVE),
    ]
    assert ids_of(ranking.of(FundingOutcome.RESERVE)) == [app_id(4)]
    assert ranking.recommended_total_nok == 900_000
    assert ranking.unallocated_nok == 100_000


def test_equal_totals_are_ordered_by_the_first_tie_break_criterion(innovasjonsrammen):
    # Both total 5.45; tie_break is innovation first, and the later one marks it higher.
    weaker_innovation = scored(innovasjonsrammen, 1, (6, 5, 4, 7), minutes_before_deadline=90)
    stronger_innovation = scored(innovasjonsrammen, 2, (7, 6, 4, 4), minutes_before_deadline=10)
    assert weaker_innovation.weighted_total == stronger_innovation.weighted_total == Decimal("5.45")
    ranking = rank_applications(
        innovasjonsrammen, [weaker_innovation, stronger_innovation], 1_000_000
    )
    assert ids_of(ranking.entries) == [app_id(2), app_id(1)]


def test_the_next_tie_break_criterion_decides_when_the_first_is_equal(innovasjonsrammen):
    # Equal totals (5.3) and equal innovation (5); feasibility is the second tie-break.
    lower_feasibility = scored(innovasjonsrammen, 1, (7, 5, 5, 4))
    higher_feasibility = scored(innovasjonsrammen, 2, (7, 5, 3, 6))
    assert lower_feasibility.weighted_total == higher_feasibility.weighted_total
    ranking = rank_applications(innovasjonsrammen, [lower_feasibility, higher_feasibility], 0)
    assert ids_of(ranking.entries) == [app_id(2), app_id(1)]


def test_then_the_earliest_submission_then_the_application_id(innovasjonsrammen):
    late = scored(innovasjonsrammen, 1, minutes_before_deadline=5)
    early = scored(innovasjonsrammen, 3, minutes_before_deadline=50)
    same_time_lower_id = scored(innovasjonsrammen, 2, minutes_before_deadline=5)
    ranking = rank_applications(innovasjonsrammen, [late, early, same_time_lower_id], 0)
    assert ids_of(ranking.entries) == [app_id(3), app_id(1), app_id(2)]


def test_a_request_that_does_not_fit_sends_it_and_all_after_it_to_reserve(innovasjonsrammen):
    # Strict rank order: the 100k request at rank 3 would fit, but rank 2 did not.
    first = scored(innovasjonsrammen, 1, (7, 7, 7, 7), nok=600_000)
    too_big = scored(innovasjonsrammen, 2, (6, 6, 6, 6), nok=500_000)
    small = scored(innovasjonsrammen, 3, (5, 5, 5, 5), nok=100_000)
    ranking = rank_applications(innovasjonsrammen, [small, too_big, first], 1_000_000)
    assert [e.outcome for e in ranking.entries] == [
        FundingOutcome.RECOMMENDED,
        FundingOutcome.RESERVE,
        FundingOutcome.RESERVE,
    ]
    assert ranking.unallocated_nok == 400_000


def test_a_request_that_uses_the_frame_exactly_is_funded(innovasjonsrammen):
    apps = [scored(innovasjonsrammen, 1, nok=400_000), scored(innovasjonsrammen, 2, nok=600_000)]
    ranking = rank_applications(innovasjonsrammen, apps, 1_000_000)
    assert ranking.unallocated_nok == 0
    assert not ranking.of(FundingOutcome.RESERVE)


def test_below_a_threshold_means_not_recommended_without_a_rank(scheme_factory):
    scheme = scheme_factory(
        dict(zip(CRITERIA, (25, 35, 20, 20), strict=True)),
        thresholds={"innovation": "4"},
        overall_threshold=Decimal("3"),
    )
    high_total_weak_innovation = scored(scheme, 1, (7, 3, 7, 7))
    low_total = scored(scheme, 2, (2, 4, 2, 2))
    passing = scored(scheme, 3, (4, 4, 4, 4))
    ranking = rank_applications(scheme, [high_total_weak_innovation, low_total, passing], 10**6)
    assert [(e.application_id, e.rank, e.outcome) for e in ranking.entries] == [
        (app_id(3), 1, FundingOutcome.RECOMMENDED),
        (app_id(1), None, FundingOutcome.NOT_RECOMMENDED),
        (app_id(2), None, FundingOutcome.NOT_RECOMMENDED),
    ]
    assert ranking.recommended_total_nok == 300_000


def test_the_same_application_twice_is_refused(innovasjonsrammen):
    with pytest.raises(ValueError, match="more than once"):
        rank_applications(
            innovasjonsrammen, [scored(innovasjonsrammen, 1), scored(innovasjonsrammen, 1)], 0
        )


def test_a_submission_time_without_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        ScoredApplication(app_id(1), {}, Decimal(0), 0, datetime(2023, 9, 1))  # noqa: DTZ001


mark = st.integers(min_value=1, max_value=7)
application_specs = st.lists(
    st.tuples(
        st.tuples(mark, mark, mark, mark),
        st.sampled_from([100_000, 250_000, 300_000]),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=12,
)


@given(application_specs, st.integers(min_value=0, max_value=2_000_000), st.randoms())
def test_the_same_applications_in_any_order_give_the_same_ranking(
    innovasjonsrammen, specs, frame, rnd
):
    apps = [
        scored(innovasjonsrammen, n, four, nok=nok, minutes_before_deadline=minutes)
        for n, (four, nok, minutes) in enumerate(specs)
    ]
    shuffled = list(apps)
    rnd.shuffle(shuffled)
    first = rank_applications(innovasjonsrammen, apps, frame)
    assert first == rank_applications(innovasjonsrammen, shuffled, frame)

    ranks = [e.rank for e in first.entries]
    assert ranks == list(range(1, len(apps) + 1))
    totals = [e.weighted_total for e in first.entries]
    assert totals == sorted(totals, reverse=True)
    assert first.recommended_total_nok <= frame
    outcomes = [e.outcome for e in first.entries]
    assert outcomes == sorted(
        outcomes, key=[FundingOutcome.RECOMMENDED, FundingOutcome.RESERVE].index
    )


def test_marks_missing_a_criterion_are_refused_before_ranking(innovasjonsrammen):
    incomplete = ScoredApplication(app_id(1), {"innovation": Decimal(5)}, Decimal(5), 0, DEADLINE)
    with pytest.raises(InvalidMarksError):
        rank_applications(innovasjonsrammen, [incomplete], 0)
