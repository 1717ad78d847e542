"""HTTP shapes of decisions."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_intake.domain.decisions import Answer, Outcome
from nic_shared.money import Nok


class Reason(BaseModel):
    """One ground of the decision, in both languages (the letter takes the application's)."""

    model_config = ConfigDict(extra="forbid")

    nb: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    amount_nok: Nok | None = Field(
        default=None, description="Granted amount; default the recommended amount (0 otherwise)."
    )
    amount_reason: str | None = Field(
        default=None, max_length=2000, description="Required when above the recommendation."
    )
    reasons: list[Reason] = Field(
        default_factory=list, max_length=20, description="Default: the ranking's grounds."
    )


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version being approved (what the officer read).")


class DecisionOut(BaseModel):
    decision_id: UUID
    application_id: UUID
    call_id: UUID
    version: int
    outcome: Outcome
    amount_nok: Nok
    amount_reason: str | None
    reasons: list[Reason]
    ranking_version: int
    rank: int | None
    created_by: str
    approved_by: str | None
    approved_at: datetime | None
    acceptance_deadline: datetime | None
    answer: Answer | None
    answered_at: datetime | None
    letter_sha256: str | None
    appeal_deadline: date | None
    panel_feedback: str | None


class ApplicantDecisionOut(BaseModel):
    """What the applicant sees: the sent decision, never drafts or who decided."""

    decision_id: UUID
    application_id: UUID
    version: int
    outcome: Outcome
    amount_nok: Nok
    reasons: list[Reason]
    decided_at: datetime
    acceptance_deadline: datetime | None
    answer: Answer | None
    letter_sha256: str | None
    appeal_deadline: date | None
    panel_feedback: str | None


class DecisionList(BaseModel):
    items: list[DecisionOut]


class LapseOut(BaseModel):
    lapsed: list[UUID]
    promoted: list[UUID]
