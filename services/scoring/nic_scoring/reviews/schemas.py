"""HTTP models for reviews, the reviewer's view of an application, consensus and results."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_scoring.common import MarkIn, MarkOut
from nic_shared.scores import Score

APPLICANT_COMMENT = (
    "Released to the applicant with the outcome (unsigned); `comment` stays internal to the panel."
)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marks: list[MarkIn] = Field(max_length=50)
    comment: str | None = Field(default=None, max_length=20_000)
    applicant_comment: str | None = Field(
        default=None, max_length=20_000, description=APPLICANT_COMMENT
    )


class SubmitIn(BaseModel):
    """Submit the saved draft, or send the marks here to save and submit in one step."""

    model_config = ConfigDict(extra="forbid")

    marks: list[MarkIn] | None = Field(default=None, max_length=50)
    comment: str | None = Field(default=None, max_length=20_000)
    applicant_comment: str | None = Field(
        default=None, max_length=20_000, description=APPLICANT_COMMENT
    )


class ReviewOut(BaseModel):
    review_id: UUID
    application_id: UUID
    status: str
    marks: list[MarkOut]
    comment: str | None
    applicant_comment: str | None
    updated_at: datetime
    submitted_at: datetime | None


class StaffReviewOut(ReviewOut):
    """An officer's view: whose review it is, and why it was set aside."""

    member_id: UUID
    invalid_reason: str | None


class AssignedApplicationOut(BaseModel):
    """What a reviewer sees of an application assigned to them (no identities when `blind`)."""

    application_id: UUID
    call_id: UUID
    title: str
    blind: bool = False
    applicant_org_number: str | None
    partner_org_numbers: list[str]
    cluster_id: UUID | None
    requested_amount_nok: int
    submitted_at: datetime
    review_status: str | None
    cluster_rank: int | None = Field(
        default=None,
        description="Innovasjonsrammen: the place its cluster gave it when forwarding (1 is "
        "the cluster's first choice); its marks at GET /v1/calls/{call_id}/cluster-proposals/"
        "forwarded.",
    )


class ConsensusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marks: list[MarkIn] = Field(max_length=50)
    comment: str = Field(min_length=1, max_length=20_000)
    applicant_feedback: str | None = Field(
        default=None,
        max_length=20_000,
        description="The panel's joint assessment released to the applicant with the outcome.",
    )


class ThresholdMissOut(BaseModel):
    criterion_id: str | None
    required: Score
    actual: Score


class ResultOut(BaseModel):
    application_id: UUID
    marks: dict[str, Score]
    weighted_total: Score = Field(
        description="Rounded for reading; the ranking orders by the unrounded total."
    )
    passed_thresholds: bool
    threshold_misses: list[ThresholdMissOut]
    by_consensus: bool
    reviewer_ids: list[UUID]
    scored_at: datetime


class ApplicationStateOut(BaseModel):
    """An officer's view of one application in scoring."""

    application_id: UUID
    call_id: UUID
    status: str
    title: str
    requested_amount_nok: int
    submitted_at: datetime
    assigned_member_ids: list[UUID]
    result: ResultOut | None
    cluster_rank: int | None = Field(
        default=None,
        description="Innovasjonsrammen: the place its cluster gave it when forwarding (1 is "
        "the cluster's first choice); its marks at GET /v1/calls/{call_id}/cluster-proposals/"
        "forwarded.",
    )
