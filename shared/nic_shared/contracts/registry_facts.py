"""The registry's facts endpoint: everything eligibility rules need, in one response.

`POST /v1/facts` on the registry takes a `FactsQuery` and answers a `FactsResponse`.
Eligibility reads it over HTTP; this module is the one contract both sides use.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.patterns import ORGANISATION_KEY


class Sector(StrEnum):
    """What an organisation form (and sector code) implies; REFERENCE.md §1.4–1.5."""

    PRIVATE_COMPANY = "private_company"
    PRIVATE_SOLE_PROPRIETOR = "private_sole_proprietor"
    PRIVATE_PARTNERSHIP = "private_partnership"
    PRIVATE_COOPERATIVE = "private_cooperative"
    PRIVATE_FINANCIAL = "private_financial"
    PRIVATE_OTHER = "private_other"
    PUBLIC_CONTROLLED_COMPANY = "public_controlled_company"
    PUBLIC_STATE = "public_state"
    PUBLIC_MUNICIPAL = "public_municipal"
    PUBLIC_COUNTY = "public_county"
    PUBLIC_ENTERPRISE = "public_enterprise"
    PUBLIC_OTHER = "public_other"
    NONPROFIT_FOUNDATION = "nonprofit_foundation"
    NONPROFIT_ASSOCIATION = "nonprofit_association"
    FOREIGN = "foreign"
    HOUSING = "housing"
    ESTATE = "estate"
    SUB_UNIT = "sub_unit"
    OTHER = "other"
    UNKNOWN = "unknown"


class SmeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    UNKNOWN = "unknown"


class ActorType(StrEnum):
    """The five actor types of the five-point model, academia split in two (PROGRAMME.md §1)."""

    ESTABLISHED_COMPANY = "established_company"
    STARTUP = "startup"
    CAPITAL = "capital"
    RESEARCH = "research"
    EDUCATION = "education"
    PUBLIC = "public"
    OTHER = "other"


class ClusterLevel(StrEnum):
    ARENA = "arena"
    ARENA_PRO = "arena_pro"
    GCE = "gce"


class NicStatus(StrEnum):
    ACTIVE = "active"
    FORMER = "former"
    NEVER = "never"


class FactsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisations: list[
        Annotated[str, Field(max_length=80, json_schema_extra={"pattern": ORGANISATION_KEY})]
    ] = Field(
        max_length=200,
        description="Organisation numbers, or foreign ids written `CC:id`.",
        examples=[["974760673", "SE:5560360793"]],
    )
    cluster_id: UUID | None = None
    as_of: date


class MembershipFact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster_id: UUID
    cluster_name: str
    actor_type: ActorType
    valid_from: date
    valid_to: date | None
    member_at_date: bool
    cluster_status_at_date: NicStatus


class OrganisationFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    known: bool = Field(description="False when the registry holds nothing for this key.")
    name: str | None = None
    org_form: str | None = None
    sector: Sector = Sector.UNKNOWN
    sector_code: str | None = None
    public: bool = False
    public_controlled: bool = False
    sme_class: SmeClass = SmeClass.UNKNOWN
    registered_in_foretaksregisteret: bool | None = None
    bankrupt: bool = False
    winding_up: bool = False
    deleted: bool = False
    parent_org_number: str | None = None
    research_organisation: bool = False
    memberships: list[MembershipFact] = Field(default_factory=list)
    member_of_current_or_former_nic_cluster: bool = False
    business_network_customer: bool = Field(
        default=False, description="An active business-network customer at the date."
    )


class ClusterFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster_id: UUID
    name: str
    facilitator_org_number: str
    level: ClusterLevel | None = Field(description="The programme level at the date, if any.")
    nic_status: NicStatus
    base_support: bool = Field(description="Arena, Arena Pro or GCE (or NCE) at the date.")
    nce_brand: bool
    formerly_nce: bool = Field(
        description="Held the NCE brand (and its base support) before the date."
    )
    mature_qualified: bool
    esca_label: str | None = None


class FactsResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date
    organisations: list[OrganisationFacts]
    cluster: ClusterFacts | None = None
