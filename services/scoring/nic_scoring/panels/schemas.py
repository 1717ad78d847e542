"""HTTP models for panels, members, assignments and conflicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.money import OrgNumber


class PanelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    call_id: UUID
    name: str = Field(min_length=1, max_length=200)
    reviewers_per_application: int = Field(default=2, ge=1, le=20)


class PanelOut(BaseModel):
    id: UUID
    call_id: UUID
    name: str
    reviewers_per_application: int
    created_at: datetime
    members: int


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: UUID | None = Field(
        default=None,
        description="The `panel_member` claim of the member's tokens; generated when absent.",
    )
    name: str = Field(min_length=1, max_length=200)
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
