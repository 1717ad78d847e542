"""HTTP models for the consortium: invitations, roles and partners' confirmations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.email_address import EMAIL_DESCRIPTION, Email
from nic_shared.money import Nok, OrgNumber


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_number: OrgNumber = Field(description="A partner named in the draft's partners.")
    email: Email = Field(
        description=f"The partner's contact: the link goes there. {EMAIL_DESCRIPTION}"
    )
    role: Literal["viewer", "editor"] = "viewer"


class InvitationOut(BaseModel):
    id: UUID
    application_id: UUID
    org_number: str
    role: str
    status: Literal["pending", "accepted"]
    invited_at: datetime


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=20, max_length=200, description="From the invitation e-mail.")


class MemberOut(BaseModel):
    application_id: UUID
    org_number: str
    role: str


class ConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participates: Literal[True] = Field(description="The partner takes part as described.")
    de_minimis_headroom_nok: Nok | None = Field(
        default=None,
        description="Required when the application's aid basis is de minimis: the de minimis "
        "aid the partner may still receive (its own declaration).",
    )


class PartnerStatus(BaseModel):
    org_number: str
    name: str
    role: str | None = Field(description="Its role on the application once it joined.")
    invitation: Literal["none", "pending", "accepted"]
    confirmation: Literal["missing", "confirmed", "changed"] = Field(
        description="changed: its budget lines changed after it confirmed; it must again."
    )
    confirmed_at: datetime | None
    de_minimis_headroom_nok: int | None


class PartnerStatusList(BaseModel):
    items: list[PartnerStatus]
