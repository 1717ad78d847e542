"""HTTP models for cluster prioritisation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_intake.applications.schemas import ApplicationListItem
from nic_shared.events.intake import ContactPerson


class PriorityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "ranked": [
                        "6f1c1f7e-5a53-4c53-9a43-0d3c5b1f2a01",
                        "0b7c6a2e-9d1f-4f43-8f0e-6d2f9c3b4e02",
                    ],
                    "contact": {"name": "Kari Klynge", "email": "kari@klynge.example"},
                }
            ]
        },
    )

    ranked: list[UUID] = Field(
        min_length=1, max_length=50, description="Proposal ids, the best first."
    )
    contact: ContactPerson = Field(
        description="The cluster manager the programme writes to about this forwarding "
        "and the panel's outcome (kept in intake, never in an event)."
    )


class RankedProposal(BaseModel):
    application_id: UUID
    rank: int


class PriorityOut(BaseModel):
    call_id: UUID
    cluster_id: UUID
    proposals: list[RankedProposal] = Field(description="Forwarded, in the cluster's order.")
    not_forwarded: list[UUID] = Field(
        description="The cluster's other proposals, closed by the forwarding."
    )
    cluster_deadline: datetime
    submitted_at: datetime
    lapsed: bool = Field(
        default=False,
        description="True: the cluster forwarded nothing by its deadline, and the sweep "
        "closed `not_forwarded` at `submitted_at`.",
    )


class ProposalList(BaseModel):
    items: list[ApplicationListItem]
    cluster_deadline: datetime = Field(description="Until when the cluster forwards.")
