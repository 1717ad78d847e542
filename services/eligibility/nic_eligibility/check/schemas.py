"""The dry run's request and answer."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from nic_eligibility.assessments.schemas import RuleResultOut
from nic_shared.events.eligibility import Outcome
from nic_shared.events.intake import ApplicationContent
from nic_shared.money import OrgNumber


class CheckIn(BaseModel):
    """An application as it would be submitted; nothing of it is stored."""

    model_config = ConfigDict(extra="forbid")

    call_id: UUID
    applicant_org_number: OrgNumber
    content: ApplicationContent
    submitted_at: AwareDatetime | None = Field(
        default=None, description="Assess as if submitted at this instant; default now."
    )


class CheckOut(BaseModel):
    call_id: UUID
    outcome: Outcome
    stored: bool = Field(default=False, description="Always false: a dry run stores nothing.")
    rule_set: str
    submitted_at: datetime
    facts_as_of: date
    reasons: list[str]
    rule_results: list[RuleResultOut]
