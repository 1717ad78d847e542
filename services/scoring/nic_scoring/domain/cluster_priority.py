"""Innovasjonsrammen stage 4: a cluster manager prioritises the cluster's own proposals.

The manager marks each proposal on the call's scheme (the same four weights: anchoring in
the cluster's strategy 25, novelty 35, sustainability 20, ability to carry out 20) and the
proposals are ordered by weighted total, highest first; equal totals go to the earliest
submission, then the proposal id. The cluster then sends 2 to 4 of them to the programme.
No conflict check applies here: judging its own companies' proposals is the cluster's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from nic_scoring.domain.marks import validate_marks, weighted_total
from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import ScoringSchemeSpec

MIN_PROPOSALS = 2
MAX_PROPOSALS = 4


@dataclass(frozen=True)
class ClusterProposal:
    proposal_id: UUID
    submitted_at: datetime
    marks: Sequence[CriterionMark]

    def __post_init__(self) -> None:
        if self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must carry a time zone to be compared")


@dataclass(frozen=True)
class PrioritisedProposal:
    priority: int
    proposal_id: UUID
    weighted_total: Decimal
    submitted_at: datetime


def prioritise_proposals(
    scheme: ScoringSchemeSpec, proposals: Iterable[ClusterProposal]
) -> list[PrioritisedProposal]:
    """Proposals in priority order (1 = first); InvalidMarksError if any marks break the scheme."""
    scored = [(weighted_total(scheme, validate_marks(scheme, p.marks)), p) for p in proposals]
    scored.sort(key=lambda tp: (-tp[0], tp[1].submitted_at, str(tp[1].proposal_id)))
    return [
        PrioritisedProposal(i, p.proposal_id, total, p.submitted_at)
        for i, (total, p) in enumerate(scored, start=1)
    ]


def proposals_to_send(prioritised: Sequence[PrioritisedProposal]) -> list[PrioritisedProposal]:
    """The top four; ValueError when the cluster has fewer than two to send."""
    if len(prioritised) < MIN_PROPOSALS:
        raise ValueError(f"a cluster sends at least {MIN_PROPOSALS} proposals")
    return list(prioritised[:MAX_PROPOSALS])


# Stage 5 as the panel sees it: in a call with a cluster stage, an eligible proposal
# reaches the panel only once its cluster forwarded it; one it did not forward is closed.
SCORABLE = "scorable"
AWAITING_CLUSTER = "awaiting_cluster"
NOT_FORWARDED = "not_forwarded"
WITHDRAWN = "withdrawn"


def gated_status(status: str, *, cluster_stage: bool, forwarded: bool | None) -> str:
    """The status an application has given its cluster's forwarding.

    ``status`` is what eligibility alone makes it (scorable, pending, ineligible, or
    withdrawn); ``forwarded`` is None while its cluster has not forwarded, then True or
    False. A withdrawn application stays withdrawn; a closed one stays closed.
    """
    if status in (WITHDRAWN, NOT_FORWARDED):
        return status
    if forwarded is False:  # a forwarding names it as closed: a cluster stage, whatever else
        return NOT_FORWARDED
    if status in (SCORABLE, AWAITING_CLUSTER):
        return AWAITING_CLUSTER if cluster_stage and not forwarded else SCORABLE
    return status
