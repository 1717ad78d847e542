"""HTTP models for organisations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from nic_registry.domain.org_forms import ORG_FORMS
from nic_registry.identity import OrganisationIdentity
from nic_registry.paging import Page
from nic_shared.contracts.registry_facts import Sector, SmeClass
from nic_shared.money import Nok, OrgNumber


def _form(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if code not in ORG_FORMS:
        raise ValueError(f"unknown organisation form {code!r}; see GET /v1/organisation-forms")
    return code


_FORM_CODES: list[JsonValue] = [*sorted(ORG_FORMS)]


class OrganisationFields(BaseModel):
    """What can be registered by hand (Brreg lookups fill the same fields)."""

    model_config = ConfigDict(extra="forbid")

    org_form_code: str | None = Field(
        default=None,
        description="Brønnøysund form code, e.g. AS (GET /v1/organisation-forms).",
        json_schema_extra={"enum": _FORM_CODES},
    )
    sector_code: str | None = Field(
        default=None, pattern=r"^\d{4}$", description="Institusjonell sektorkode."
    )
    registered_in_foretaksregisteret: bool | None = None
    bankrupt: bool | None = None
    winding_up: bool | None = None
    deleted: bool | None = None
    nace_codes: list[str] | None = Field(default=None, max_length=3)
    employees: int | None = Field(default=None, ge=0, description="Brreg's count (informative).")
    parent_org_number: OrgNumber | None = None
    research_organisation: bool | None = Field(
        default=None,
        description="Declared research and knowledge-dissemination organisation (GBER 2(83)).",
    )
    headcount_awu: Decimal | None = Field(default=None, ge=0, description="Annual work units.")
    turnover_nok: Nok | None = None
    balance_sheet_nok: Nok | None = None
    figures_year: int | None = Field(default=None, ge=1990, le=2100)

    @field_validator("org_form_code")
    @classmethod
    def _check_form(cls, value: str | None) -> str | None:
        return _form(value)


class OrganisationCreate(OrganisationIdentity, OrganisationFields):
    """A Norwegian organisation by `org_number`, or a foreign one by country and id."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org_number": "988077917",
                    "name": "Treklyngen AS",
                    "org_form_code": "AS",
                    "sector_code": "2100",
                    "registered_in_foretaksregisteret": True,
                    "headcount_awu": 12,
                    "turnover_nok": 18000000,
                    "balance_sheet_nok": 9000000,
                    "figures_year": 2023,
                },
                {"foreign_country": "SE", "foreign_id": "5560360793", "name": "Saab AB"},
            ]
        },
    )

    name: str = Field(min_length=1, max_length=300)


class OrganisationPatch(OrganisationFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"research_organisation": True}, {"headcount_awu": 48}]},
    )

    name: str | None = Field(default=None, min_length=1, max_length=300)


class SmeOut(BaseModel):
    sme_class: SmeClass = Field(description="EU rule on the figures held; unknown if missing.")
    headcount_awu: Decimal | None
    turnover_nok: int | None
    balance_sheet_nok: int | None
    figures_year: int | None


class OrganisationOut(BaseModel):
    key: str = Field(description="Organisation number, or `CC:id` for a foreign organisation.")
    org_number: str | None
    foreign_country: str | None
    foreign_id: str | None
    name: str
    org_form_code: str | None
    org_form_description: str | None
    sector: Sector
    sector_code: str | None
    public: bool
    public_controlled: bool
    registered_in_foretaksregisteret: bool | None
    bankrupt: bool
    winding_up: bool
    deleted: bool
    deleted_on: date | None
    nace_codes: list[str]
    employees: int | None
    parent_org_number: str | None
    in_group: bool | None
    founded_on: date | None
    research_organisation_declared: bool
    research_organisation: bool = Field(description="Declared, or NACE in R&D / higher ed.")
    sme: SmeOut
    source: str = Field(description="manual or brreg")
    brreg_fetched_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class OrganisationPage(Page):
    items: list[OrganisationOut]


class OrgFormOut(BaseModel):
    code: str
    description: str
    sector: Sector
    public: bool
