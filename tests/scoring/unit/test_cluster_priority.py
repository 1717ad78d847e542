"""Innovasjonsrammen stage 4: the cluster orders its own proposals by the same four weights."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from nic_scoring.domain.cluster_priority import (
    ClusterProposal,
    prioritise_proposals,
    proposals_to_send,
)
from nic_scoring.domain.marks import InvalidMarksError
from nic_shared.events.scoring import CriterionMark

CRITERIA = ("anchoring", "innovation", "sustainability", "feasibility")
OPENED = datetime(2018, 5, 1, 9, tzinfo=UTC)


def proposal(n: int, four: tuple[int, int, int, int], day: int) -> ClusterProposal:
    marks = [
        CriterionMark(criterion_id=c, mark=Decimal(m)) for c, m in zip(CRITERIA, four, strict=True)
    ]
    return ClusterProposal(UUID(int=n), OPENED + timedelta(days=day), marks)


def test_proposals_are_ordered_by_weighted_total(innovasjonsrammen):
    ordered = prioritise_proposals(
        innovasjonsrammen,
        [proposal(1, (4, 4, 4, 4), 1), proposal(2, (6, 5, 4, 7), 2), proposal(3, (7, 7, 7, 7), 3)],
    )
    assert [(p.priority, p.proposal_id.int, p.weighted_total) for p in ordered] == [
        (1, 3, Decimal(7)),
        (2, 2, Decimal("5.45")),
        (3, 1, Decimal(4)),
    ]


def test_equal_totals_go_to_the_earliest_submission(innovasjonsrammen):
    later = proposal(1, (6, 5, 4, 7), day=5)
    earlier = proposal(2, (7, 6, 4, 4), day=2)  # also 5.45
    ordered = prioritise_proposals(innovasjonsrammen, [later, earlier])
    assert [p.proposal_id.int for p in ordered] == [2, 1]


def test_the_managers_marks_must_fit_the_scheme(innovasjonsrammen):
    with pytest.raises(InvalidMarksError):
        prioritise_proposals(innovasjonsrammen, [proposal(1, (8, 5, 4, 7), 1)])


def test_a_cluster_sends_at_most_four_and_at_least_two(innovasjonsrammen):
    five = prioritise_proposals(
        innovasjonsrammen, [proposal(n, (n, n, n, n), n) for n in range(1, 6)]
    )
    assert [p.priority for p in proposals_to_send(five)] == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="at least 2"):
        proposals_to_send(five[:1])
