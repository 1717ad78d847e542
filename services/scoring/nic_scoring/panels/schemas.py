"""HTTP models for panels, members, assignments and conflicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from nic_shared.dates import out_of_order
from nic_shared.email_address import EMAIL_DESCRIPTION, Email
from nic_shared.money import OrgNumber


class PanelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: UUID
    name: str = Field(min_length=1, max_length=200)
    reviewers_per_application: int = Field(default=2, ge=1, le=20)
    blind: bool = Field(default=False, description="Hide applicant and partner identities.")
    opens_at: AwareDatetime | None = Field(default=None, description="Reviews open (instant).")
    closes_at: AwareDatetime | None = Field(
        default=None,
        description="Reviews close at this instant (exclusive), after opens_at (else 422, "
        "rule end-before-start).",
    )
    reminder_days_before: int | None = Field(
        default=None, ge=1, le=60, description="E-mail unfinished reviewers N days before close."
    )

    @field_validator("closes_at")
    @classmethod
    def _window_in_order(cls, closes_at: datetime | None, info: ValidationInfo) -> datetime | None:
        window_in_order(info.data.get("opens_at"), closes_at)
        return closes_at


class PanelSettingsIn(BaseModel):
    """A change of the panel's review settings; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    blind: bool | None = None
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    reminder_days_before: int | None = Field(default=None, ge=1, le=60)


def window_in_order(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise out_of_order("closes_at must be after opens_at")


class PanelOut(BaseModel):
    id: UUID
    call_id: UUID
    name: str
    reviewers_per_application: int
    blind: bool
    opens_at: datetime | None
    closes_at: datetime | None
    reminder_days_before: int | None
    created_at: datetime
    members: int


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: UUID | None = Field(
        default=None,
        description="The `panel_member` claim of the member's tokens; generated when absent.",
    )
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = Field(
        default=None, description=f"Where review reminders go. {EMAIL_DESCRIPTION}"
    )
    chair: bool = False
    org_numbers: list[OrgNumber] = Field(default_factory=list, max_length=100)
    cluster_ids: list[UUID] = Field(default_factory=list, max_length=100)


class MemberOut(BaseModel):
    member_id: UUID
    name: str
    chair: bool
    org_numbers: list[str]
    cluster_ids: list[UUID]
    declared_conflicts: list[UUID]
    assignments: int


class AutoAssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewers_per_application: int | None = Field(default=None, ge=1, le=20)


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID
    member_id: UUID


class AssignmentOut(BaseModel):
    application_id: UUID
    member_id: UUID
    method: str
    assigned_at: datetime


class ShortfallOut(BaseModel):
    application_id: UUID
    required: int
    assigned: int


class AutoAssignOut(BaseModel):
    created: list[AssignmentOut]
    shortfalls: list[ShortfallOut]


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID
    reason: str = Field(min_length=1, max_length=2000)
    member_id: UUID | None = Field(
        default=None, description="Officers declare on a member's behalf; members omit it."
    )


class ConflictOut(BaseModel):
    application_id: UUID
    member_id: UUID
    reason: str
    declared_at: datetime
    assignments_removed: int
    reviews_invalidated: list[UUID]
    result_withdrawn: bool


class AuditOut(BaseModel):
    application_id: UUID
    member_id: UUID | None
    action: str
    details: dict[str, Any]
    actor: str
    occurred_at: datetime
