"""HTTP models of assessments, the queue and overrides (the table and the events are
separate types). Human texts are in the language the caller asked for (Accept-Language)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nic_shared.events.eligibility import Outcome, RuleOutcome


class RuleResultOut(BaseModel):
    rule_id: str
    clause: str = Field(description="The seed document and section the rule comes from.")
    outcome: RuleOutcome
    severity: str = Field(description="hard: ineligible when failed; soft: manual review.")
    message: str = Field(description="The rule and its result, in nb or en.")
    facts: dict[str, Any] = Field(description="The facts the rule was decided on.")


class AssessmentOut(BaseModel):
    """What an applicant sees: the outcome and the reasons, per rule."""

    id: UUID
    application_id: UUID
    call_id: UUID
    version: int
    applicant_org_number: str
    outcome: Outcome
    status: str = Field(description="open, or closed when the application was withdrawn.")
    current: bool = Field(description="False when a later submitted version superseded it.")
    overridden: bool
    rule_set: str
    submitted_at: datetime
    assessed_at: datetime
    closed_at: datetime | None
    reasons: list[str] = Field(description="The messages of the rules that failed.")
    rule_results: list[RuleResultOut]


class OverrideOut(BaseModel):
    id: UUID
    assessment_id: UUID
    previous_outcome: Outcome
    outcome: Outcome
    reason: str
    overridden_by: str
    overridden_at: datetime


class AssessmentDetail(AssessmentOut):
    """What an officer sees besides: the automatic outcome, the facts, the audit trail."""

    automatic_outcome: Outcome
    rule_set_version: int
    parameters: dict[str, Any]
    facts_as_of: date
    facts: dict[str, Any] = Field(description="The registry facts snapshot it was decided on.")
    application: dict[str, Any]
    deadline: datetime
    close_reason: str | None
    revision: int = Field(description="The assessment's version; its ETag.")
    overrides: list[OverrideOut]


class QueueItem(BaseModel):
    id: UUID
    application_id: UUID
    call_id: UUID
    version: int
    applicant_org_number: str
    title: str
    outcome: Outcome
    assessed_at: datetime
    revision: int
    reasons: list[str]


class QueuePage(BaseModel):
    items: list[QueueItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    reason: str = Field(
        min_length=10,
        max_length=4000,
        description="Why the officer decides otherwise; kept in the audit trail.",
    )

    @field_validator("reason")
    @classmethod
    def _meaningful(cls, value: str) -> str:
        stripped = value.strip()
        if len(stripped) < 10:
            raise ValueError("the reason must say why, in at least 10 characters")
        return stripped
