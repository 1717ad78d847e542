"""HTTP models for clusters and their programme history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_registry.domain.clusters import EscaGrade
from nic_registry.paging import Page
from nic_shared.contracts.registry_facts import ClusterFacts, ClusterLevel
from nic_shared.dates import PlausibleDate
from nic_shared.money import OrgNumber

_CLUSTER_EXAMPLE: dict[str, Any] = {
    "name": "Arena Sirkulær Innlandet",
    "facilitator_org_number": "974760673",
    "region": "Innlandet",
    "focus_areas": ["circular economy", "wood processing"],
}


class ClusterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_CLUSTER_EXAMPLE]})

    name: str = Field(min_length=1, max_length=300)
    facilitator_org_number: OrgNumber = Field(
        description="The cluster organisation's legal entity (organisation number, MOD11)."
    )
    region: str | None = Field(default=None, max_length=100)
    focus_areas: list[str] = Field(default_factory=list, max_length=20)


class ClusterPatch(BaseModel):
    """Change any of the fields given; send If-Match with the cluster's ETag."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"region": "Innlandet og Viken"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=300)
    facilitator_org_number: OrgNumber | None = None
    region: str | None = Field(default=None, max_length=100)
    focus_areas: list[str] | None = Field(default=None, max_length=20)


class LevelIn(BaseModel):
    """A programme level for a period; periods of one cluster never overlap (409)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"level": "arena", "valid_from": "2021-01-01", "valid_to": "2023-12-31"}]
        },
    )

    level: ClusterLevel
    valid_from: PlausibleDate
    valid_to: PlausibleDate | None = Field(
        default=None, description="Inclusive; omit while running."
    )


class PeriodIn(BaseModel):
    """An NCE brand period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"valid_from": "2022-07-01", "valid_to": None}]},
    )

    valid_from: PlausibleDate
    valid_to: PlausibleDate | None = None


class MatureIn(BaseModel):
    """Mature-cluster qualification (or its yearly renewal): one year from `valid_from`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_from": "2024-01-01"}]}
    )

    valid_from: PlausibleDate


class EscaIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"grade": "gold", "awarded": "2023-03-01", "valid_until": "2025-02-28"}]
        },
    )

    grade: EscaGrade
    awarded: PlausibleDate
    valid_until: PlausibleDate


class PeriodEnd(BaseModel):
    """Close (or re-close) a period on an inclusive last day."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_to": "2023-06-30"}]}
    )

    valid_to: PlausibleDate


class PeriodOut(BaseModel):
    id: UUID
    kind: str = Field(description="level, nce or mature")
    level: ClusterLevel | None = None
    valid_from: date
    valid_to: date | None
    decision_id: UUID | None = Field(
        default=None, description="The admission decision that created it; None if typed in."
    )


class EscaOut(BaseModel):
    id: UUID
    grade: EscaGrade
    awarded: date
    valid_until: date


class ClusterOut(BaseModel):
    id: UUID
    name: str
    facilitator_org_number: str
    region: str | None
    focus_areas: list[str]
    levels: list[PeriodOut]
    nce: list[PeriodOut]
    mature: list[PeriodOut]
    esca_labels: list[EscaOut]
    status: ClusterFacts = Field(description="What holds at `status.as_of`-date (see `as_of`).")
    as_of: date
    version: int
    created_at: datetime


class ClusterPage(Page):
    items: list[ClusterOut]
