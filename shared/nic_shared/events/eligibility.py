"""Events eligibility publishes on `nic.eligibility`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.events.base import EventPayload
from nic_shared.money import Nok, OrgNumber

TOPIC = "nic.eligibility"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"


class RuleOutcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class RuleResultSummary(BaseModel):
    """One rule's result with the clause it comes from and the facts it was decided on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    clause: str
    outcome: RuleOutcome
    severity: str
    message_nb: str
    message_en: str
    facts: dict[str, Any] = Field(default_factory=dict)


class AssessedApplication(BaseModel):
    """What scoring needs of an application: who takes part, how much, and when it arrived."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    applicant_org_number: OrgNumber
    partner_org_numbers: list[str] = Field(default_factory=list)
    cluster_id: UUID | None = None
    requested_amount_nok: Nok
    submitted_at: datetime


class EligibilityAssessed(EventPayload):
    TYPE = "no.nic.eligibility.assessed.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"version"})

    assessment_id: UUID
    application_id: UUID
    call_id: UUID
    version: int = Field(ge=1)
    outcome: Outcome
    rule_results: list[RuleResultSummary]
    assessed_at: datetime
    application: AssessedApplication

    def event_subject(self) -> str:
        return str(self.application_id)


class EligibilityOverridden(EventPayload):
    TYPE = "no.nic.eligibility.overridden.v1"
    TOPIC = TOPIC

    assessment_id: UUID
    application_id: UUID
    call_id: UUID
    previous_outcome: Outcome
    outcome: Outcome
    reason: str
    overridden_by: str
    overridden_at: datetime
    application: AssessedApplication

    def event_subject(self) -> str:
        return str(self.application_id)
