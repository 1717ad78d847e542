"""HTTP models for memberships."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nic_registry.domain import keys
from nic_registry.paging import Page
from nic_shared.contracts.registry_facts import ActorType, MembershipFact
from nic_shared.money import OrgNumber


class MembershipCreate(BaseModel):
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

    org_number: OrgNumber | None = None
    foreign_country: str | None = None
    foreign_id: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    actor_type: ActorType
    valid_from: date
    valid_to: date | None = Field(default=None, description="Inclusive last day; omit if running.")

    @field_validator("foreign_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return keys.country_code(value) if value is not None else None

    @field_validator("foreign_id")
    @classmethod
    def _foreign_id(cls, value: str | None) -> str | None:
        return keys.foreign_identifier(value) if value is not None else None

    @model_validator(mode="after")
    def _one_key(self) -> MembershipCreate:
        foreign = self.foreign_country is not None or self.foreign_id is not None
        if self.org_number is not None and foreign:
            raise ValueError("give org_number, or foreign_country with foreign_id; not both")
        if self.org_number is None and (self.foreign_country is None or self.foreign_id is None):
            raise ValueError("org_number, or foreign_country with foreign_id, is required")
        return self

    @property
    def key(self) -> str:
        if self.org_number is not None:
            return self.org_number
        return f"{self.foreign_country}:{self.foreign_id}"


class MembershipPatch(BaseModel):
    """End a membership (set `valid_to`) or correct its actor type; send If-Match."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_to": "2023-06-30"}]}
    )

    valid_to: date | None = None
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
