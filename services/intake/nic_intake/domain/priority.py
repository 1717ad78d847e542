"""Innovasjonsrammen stage 5: a cluster forwards its ranked proposals to the programme.

The seed (003) says "minimum two and maximum four"; the limits are call data so a later
round can change them. Every refusal has its own exception type, so the API can map it to a
precise message and the tests can name the rule they check.

The cluster stage has its own window: it opens at the call's deadline (every proposal is
in, none can change) and closes at the cluster's deadline, an Oslo instant of its own
(14 days after the call's deadline, Oslo wall-clock, unless the call says otherwise).
A forwarding names the cluster's order; every other proposal sent to the cluster is closed
by it (`not_forwarded`). A cluster forwards once: the same list again is a replay, another
list a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from nic_intake.domain.deadline import in_oslo, oslo_instant
from nic_shared.events.intake import ClusterPrioritySubmitted, PrioritisedProposal

CLUSTER_STAGE_DAYS = 14


@dataclass(frozen=True, slots=True)
class ProposalLimits:
    """How many ranked proposals one cluster may forward."""

    minimum: int = 2
    maximum: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.maximum:
            raise ValueError("proposal limits need 1 <= minimum <= maximum")


class PriorityRefusedError(ValueError):
    """Base of every reason a cluster's priority list is refused; ``index`` is the place in
    the ranking of the proposal at fault, when one is."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


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


class ForwardingNotOpen(PriorityRefusedError):
    """Before the call's deadline proposals may still come or change: nothing to forward yet."""


class ClusterDeadlinePassed(PriorityRefusedError):
    """The cluster's deadline has passed: it forwards nothing more."""


def default_cluster_deadline(deadline: datetime) -> datetime:
    """The call's deadline plus CLUSTER_STAGE_DAYS at the same Oslo wall-clock time."""
    local = in_oslo(deadline).replace(tzinfo=None) + timedelta(days=CLUSTER_STAGE_DAYS)
    try:
        return oslo_instant(local.date(), local.time())
    except ValueError:  # that wall-clock time does not exist that day: an hour later
        local += timedelta(hours=1)
        return oslo_instant(local.date(), local.time())


def check_window(now: datetime, *, deadline: datetime, cluster_deadline: datetime) -> None:
    """Forwarding is open from the call's deadline until (not at) the cluster's deadline."""
    if now < deadline:
        raise ForwardingNotOpen(f"clusters forward from the call's deadline {deadline.isoformat()}")
    if not now < cluster_deadline:
        raise ClusterDeadlinePassed(
            f"the cluster's deadline {cluster_deadline.isoformat()} has passed"
        )


def not_forwarded(
    cluster_id: UUID, ranked: Sequence[UUID], sent_to: Mapping[UUID, UUID | None]
) -> list[UUID]:
    """The cluster's proposals a forwarding of ``ranked`` closes, in a stable order."""
    chosen = set(ranked)
    return [a for a, c in sent_to.items() if c == cluster_id and a not in chosen]


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
    for index, application_id in enumerate(ranked):
        if application_id in seen:
            raise DuplicateProposal(f"proposal {application_id} is ranked more than once", index)
        seen.add(application_id)
        if application_id not in sent_to:
            raise UnknownProposal(f"proposal {application_id} is not known in this call", index)
        if sent_to[application_id] != cluster_id:
            raise ProposalNotSentToCluster(
                f"proposal {application_id} was not sent to cluster {cluster_id}", index
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
        call_id=call_id,
        cluster_id=cluster_id,
        proposals=proposals,
        not_forwarded=not_forwarded(cluster_id, ranked, sent_to),
        submitted_at=submitted_at,
    )
