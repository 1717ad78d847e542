"""Innovasjonsrammen stage 5: a cluster forwards its ranked proposals to the programme.

The seed (003) says "minimum two and maximum four"; the limits are call data so a later
round can change them. Every refusal has its own exception type, so the API can map it to a
precise message and the tests can name the rule they check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from nic_shared.events.intake import ClusterPrioritySubmitted, PrioritisedProposal


@dataclass(frozen=True, slots=True)
class ProposalLimits:
    """How many ranked proposals one cluster may forward."""

    minimum: int = 2
    maximum: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.maximum:
            raise ValueError("proposal limits need 1 <= minimum <= maximum")


class PriorityRefusedError(ValueError):
    """Base of every reason a cluster's priority list is refused."""


class TooFewProposals(PriorityRefusedError):
    """Fewer proposals than the call's minimum."""


class TooManyProposals(PriorityRefusedError):
    """More proposals than the call's maximum."""


class DuplicateProposal(PriorityRefusedError):
    """The same proposal appears twice in the ranking."""


class UnknownProposal(PriorityRefusedError):
    """The ranking names a proposal intake has never received."""


class ProposalNotSentToCluster(PriorityRefusedError):
    """The proposal was sent to another cluster (or to none)."""


def validate_priority(
    cluster_id: UUID,
    ranked: Sequence[UUID],
    sent_to: Mapping[UUID, UUID | None],
    limits: ProposalLimits,
) -> list[PrioritisedProposal]:
    """The ranking as PrioritisedProposals (rank 1 first), or raise the first rule broken.

    ``sent_to`` maps every proposal of the call to the cluster it was sent to.
    """
    seen: set[UUID] = set()
    for application_id in ranked:
        if application_id in seen:
            raise DuplicateProposal(f"proposal {application_id} is ranked more than once")
        seen.add(application_id)
        if application_id not in sent_to:
            raise UnknownProposal(f"proposal {application_id} is not known in this call")
        if sent_to[application_id] != cluster_id:
            raise ProposalNotSentToCluster(
                f"proposal {application_id} was not sent to cluster {cluster_id}"
            )
    if len(ranked) < limits.minimum:
        raise TooFewProposals(
            f"a cluster forwards at least {limits.minimum} proposals, got {len(ranked)}"
        )
    if len(ranked) > limits.maximum:
        raise TooManyProposals(
            f"a cluster forwards at most {limits.maximum} proposals, got {len(ranked)}"
        )
    return [
        PrioritisedProposal(application_id=application_id, rank=rank)
        for rank, application_id in enumerate(ranked, start=1)
    ]


def priority_submitted(
    call_id: UUID,
    cluster_id: UUID,
    ranked: Sequence[UUID],
    sent_to: Mapping[UUID, UUID | None],
    limits: ProposalLimits,
    submitted_at: datetime,
) -> ClusterPrioritySubmitted:
    """The event recording an accepted priority list; refuses exactly as validate_priority."""
    proposals = validate_priority(cluster_id, ranked, sent_to, limits)
    return ClusterPrioritySubmitted(
        call_id=call_id, cluster_id=cluster_id, proposals=proposals, submitted_at=submitted_at
    )
