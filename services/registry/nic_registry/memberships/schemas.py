"""HTTP models for memberships."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_registry.identity import OrganisationIdentity
from nic_registry.paging import Page
from nic_shared.contracts.registry_facts import ActorType, MembershipFact
from nic_shared.dates import PlausibleDate


class MembershipCreate(OrganisationIdentity):
    """A member: a Norwegian organisation by `org_number`, a foreign one by country and id.

    An organisation the registry does not know yet is registered with `name`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_number": "988077917",
                    "name": "Treklyngen AS",
                    "actor_type": "established_company",
                    "valid_from": "2023-01-01",
                },
                {
                    "foreign_country": "SE",
                    "foreign_id": "5560360793",
                    "name": "Saab AB",
                    "actor_type": "established_company",
                    "valid_from": "2023-01-01",
                    "valid_to": "2023-06-30",
                },
            ]
        },
    )

    name: str | None = Field(default=None, max_length=300)
    actor_type: ActorType
    valid_from: PlausibleDate
    valid_to: PlausibleDate | None = Field(
        default=None, description="Inclusive last day; omit if running."
    )


class MembershipPatch(BaseModel):
    """End a membership (set `valid_to`) or correct its actor type; send If-Match."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_to": "2023-06-30"}]}
    )

    valid_to: PlausibleDate | None = None
    actor_type: ActorType | None = None


class MembershipOut(BaseModel):
    id: UUID
    cluster_id: UUID
    organisation_key: str
    organisation_name: str
    actor_type: ActorType
    valid_from: date
    valid_to: date | None
    version: int


class MemberPage(Page):
    items: list[MembershipOut]


class OrganisationClusters(BaseModel):
    """An organisation's clusters: memberships begun by `as_of`, and its NIC tie."""

    organisation_key: str
    as_of: date
    memberships: list[MembershipFact]
    member_of_current_or_former_nic_cluster: bool


class RowProblem(BaseModel):
    row: int = Field(description="Line of the file; the header is line 1.")
    column: str
    rule: str


class ImportReport(BaseModel):
    imported: int = Field(description="New memberships.")
    updated: int = Field(description="Existing memberships (same organisation and start) changed.")
    unchanged: int
    errors: list[RowProblem] = Field(default_factory=list)
