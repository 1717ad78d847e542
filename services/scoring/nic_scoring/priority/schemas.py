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

    title: str = Field(min_length=1, max_length=300)
    received_at: AwareDatetime = Field(description="When the cluster received it (tie-break).")
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
