"""HTTP models for Innovasjonsrammen stage 4: a cluster's marks on its own proposals."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from nic_scoring.common import MarkIn, MarkOut
from nic_shared.scores import Score


class ProposalIn(BaseModel):
    """A company proposal the cluster received, identified by its intake application id."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Left out: the title scoring has from the application itself.",
    )
    received_at: AwareDatetime | None = Field(
        default=None,
        description="When the cluster received it (tie-break). Left out: when it was "
        "submitted, as scoring has it.",
    )
    marks: list[MarkIn] = Field(max_length=50)


class ProposalOut(BaseModel):
    priority: int
    application_id: UUID
    title: str
    weighted_total: Score
    received_at: datetime
    marks: list[MarkOut]
    forward: bool = Field(description="Among the top four the cluster sends to the programme.")


class PriorityOut(BaseModel):
    call_id: UUID
    cluster_id: UUID
    proposals: list[ProposalOut]
    enough_to_forward: bool = Field(description="At least two proposals: the cluster may send.")


class ForwardedProposalOut(BaseModel):
    cluster_rank: int = Field(description="The cluster's own order: 1 is its first choice.")
    application_id: UUID
    title: str | None = Field(description="None until eligibility has assessed it.")
    status: str | None = Field(description="Where it stands in scoring (scorable, ...).")
    weighted_total: Score | None = Field(
        description="Of the cluster's marks on the call's weights; None without marks."
    )
    marks: list[MarkOut] = Field(description="The cluster's marks as they stood when it forwarded.")


class ClusterForwardingOut(BaseModel):
    cluster_id: UUID | None = Field(description="None to the members of a blind panel.")
    forwarded_at: datetime
    proposals: list[ForwardedProposalOut]
    not_forwarded: int = Field(description="How many proposals the cluster closed.")


class ForwardedOut(BaseModel):
    call_id: UUID
    clusters: list[ClusterForwardingOut]
