"""Innovasjonsrammen: a cluster forwards 2–4 of the proposals sent to it, ranked."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from nic_intake.domain.priority import (
    DuplicateProposal,
    PriorityRefusedError,
    ProposalLimits,
    ProposalNotSentToCluster,
    TooFewProposals,
    TooManyProposals,
    UnknownProposal,
    priority_submitted,
    validate_priority,
)
from nic_intake.domain.templates import template_for
from nic_shared.events.specs import Scheme

CLUSTER, OTHER_CLUSTER = uuid4(), uuid4()
OURS = [uuid4() for _ in range(5)]
THEIRS = uuid4()
SENT_TO: dict[UUID, UUID | None] = {**dict.fromkeys(OURS, CLUSTER), THEIRS: OTHER_CLUSTER}
LIMITS = ProposalLimits()


@pytest.mark.parametrize("count", [2, 3, 4])
def test_two_to_four_proposals_are_accepted_in_rank_order(count: int) -> None:
    ranked = validate_priority(CLUSTER, OURS[:count], SENT_TO, LIMITS)
    assert [(p.application_id, p.rank) for p in ranked] == [
        (application_id, rank) for rank, application_id in enumerate(OURS[:count], start=1)
    ]


def test_one_proposal_is_too_few() -> None:
    with pytest.raises(TooFewProposals, match="at least 2"):
        validate_priority(CLUSTER, OURS[:1], SENT_TO, LIMITS)


def test_five_proposals_are_too_many() -> None:
    with pytest.raises(TooManyProposals, match="at most 4"):
        validate_priority(CLUSTER, OURS[:5], SENT_TO, LIMITS)


def test_a_proposal_cannot_be_ranked_twice() -> None:
    with pytest.raises(DuplicateProposal):
        validate_priority(CLUSTER, [OURS[0], OURS[1], OURS[0]], SENT_TO, LIMITS)


def test_a_proposal_sent_to_another_cluster_is_refused() -> None:
    with pytest.raises(ProposalNotSentToCluster):
        validate_priority(CLUSTER, [OURS[0], THEIRS], SENT_TO, LIMITS)


def test_an_unknown_proposal_is_refused() -> None:
    with pytest.raises(UnknownProposal):
        validate_priority(CLUSTER, [OURS[0], uuid4()], SENT_TO, LIMITS)


def test_every_refusal_shares_one_base_type() -> None:
    for error in (TooFewProposals, TooManyProposals, DuplicateProposal, UnknownProposal):
        assert issubclass(error, PriorityRefusedError)
    assert issubclass(ProposalNotSentToCluster, PriorityRefusedError)


def test_the_limits_come_from_the_calls_template() -> None:
    limits = template_for(Scheme.INNOVASJONSRAMMEN).proposal_limits
    assert limits == ProposalLimits(minimum=2, maximum=4)
    wider = ProposalLimits(minimum=1, maximum=5)
    assert len(validate_priority(CLUSTER, OURS[:5], SENT_TO, wider)) == 5


def test_limits_must_be_sensible() -> None:
    with pytest.raises(ValueError, match="minimum <= maximum"):
        ProposalLimits(minimum=3, maximum=2)
    with pytest.raises(ValueError, match="1 <= minimum"):
        ProposalLimits(minimum=0, maximum=2)


def test_an_accepted_list_becomes_the_priority_event() -> None:
    call_id, at = uuid4(), datetime(2018, 9, 14, 10, tzinfo=UTC)
    event = priority_submitted(call_id, CLUSTER, OURS[:2], SENT_TO, LIMITS, at)
    assert (event.call_id, event.cluster_id, event.submitted_at) == (call_id, CLUSTER, at)
    assert [p.rank for p in event.proposals] == [1, 2]
