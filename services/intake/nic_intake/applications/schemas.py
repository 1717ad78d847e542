"""HTTP models for applications. Status, version and times are never writable."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from nic_shared.dates import PlausibleDate, not_before
from nic_shared.events.intake import AidBasis, BudgetLine, ContactPerson, Partner
from nic_shared.money import Nok, OrgNumber


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"  # a proposal its cluster did not forward (Innovasjonsrammen)


class DraftContent(BaseModel):
    """What the applicant fills in. Everything is optional while drafting; completeness is
    checked at submission. Attachments are uploaded separately; aid intensity is computed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, max_length=5000)
    project_start: PlausibleDate | None = None
    project_end: PlausibleDate | None = Field(
        default=None,
        description="On or after project_start (else 422, rule end-before-start).",
    )
    project_owner: str | None = Field(
        default=None, description="The owner partner's key (org number or CC:foreign-id)."
    )
    partners: list[Partner] = Field(default_factory=list, max_length=200)
    contact_person: ContactPerson | None = None
    legal_entity: OrgNumber | None = None
    cluster_id: UUID | None = Field(
        default=None, description="The cluster a proposal is sent to (Innovasjonsrammen)."
    )
    budget: list[BudgetLine] = Field(default_factory=list, max_length=2000)
    requested_amount_nok: Nok | None = None
    objectives: list[str] = Field(default_factory=list, max_length=20)
    aid_basis: AidBasis | None = None
    implementation_plan: str | None = Field(default=None, max_length=20000)

    @field_validator("project_end")
    @classmethod
    def _ends_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        return not_before(end, info.data.get("project_start"), "project_start")

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: UUID
    content: DraftContent = Field(default_factory=DraftContent)
    language: Literal["nb", "en"] = Field(
        default="nb", description="The language the programme writes to the applicant in."
    )
    proposal_id: UUID | None = Field(
        default=None,
        description="In a second-stage call (the call's follows_call_id): the applicant's "
        "recommended proposal in the first stage. The draft starts from its content when "
        "no content is given.",
    )


class BudgetSummary(BaseModel):
    total_nok: int
    per_partner_nok: dict[str, int]
    per_year_nok: dict[int, int]
    requested_amount_nok: int | None
    aid_intensity_percent: Decimal | None = Field(
        description="Requested amount over total budget, computed (never typed in)."
    )
    within_max_intensity: bool | None


class CompletenessProblem(BaseModel):
    pointer: str = Field(description="JSON pointer into the content, e.g. #/contact_person")
    rule: str
    detail: str
    detail_nb: str


class Completeness(BaseModel):
    """What the submit would refuse today: the same problems as its 422, while drafting."""

    complete: bool
    problems: list[CompletenessProblem]


class EligibilityDryRun(BaseModel):
    """Eligibility's dry run of the draft as it stands (nothing is stored there)."""

    status: Literal["checked", "incomplete", "not_permitted", "unavailable"] = Field(
        description="checked: eligibility answered; incomplete: the dry run needs a complete "
        "application (see completeness); not_permitted: the caller may not run it; "
        "unavailable: eligibility or the registry cannot answer now (retry_after_s)."
    )
    outcome: str | None = None
    reasons: list[str] = Field(default_factory=list)
    rule_results: list[dict[str, Any]] = Field(default_factory=list)
    retry_after_s: int | None = None


class ApplicationOut(BaseModel):
    id: UUID
    call_id: UUID
    scheme: str
    applicant_org_number: str
    status: ApplicationStatus
    stage: str | None
    language: str = "nb"
    proposal_id: UUID | None = Field(
        default=None, description="The first-stage proposal a second-stage application follows."
    )
    version: int = Field(description="The latest submitted version; 0 before submission.")
    etag: str
    content: dict[str, Any]
    budget_summary: BudgetSummary
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime
    updated_at: datetime
    completeness: Completeness | None = Field(
        default=None,
        description="On reads and edits of one application that can still be submitted: "
        "every problem the submit would report (none when complete). None once withdrawn.",
    )
    eligibility: EligibilityDryRun | None = Field(
        default=None, description="With include=eligibility on a read: eligibility's dry run."
    )


class ApplicationListItem(BaseModel):
    id: UUID
    call_id: UUID
    scheme: str
    applicant_org_number: str
    title: str | None
    status: ApplicationStatus
    stage: str | None
    version: int
    requested_amount_nok: int | None
    submitted_at: datetime | None
    created_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationListItem]
    next_cursor: str | None = None


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000)
