"""HTTP models for cluster prioritisation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_intake.applications.schemas import ApplicationListItem


class PriorityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ranked: list[UUID] = Field(
        min_length=1, max_length=50, description="Proposal ids, the best first."
    )


class RankedProposal(BaseModel):
    application_id: UUID
    rank: int


class PriorityOut(BaseModel):
    call_id: UUID
    cluster_id: UUID
    proposals: list[RankedProposal]
    submitted_at: datetime


class ProposalList(BaseModel):
    items: list[ApplicationListItem]
