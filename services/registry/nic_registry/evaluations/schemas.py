"""HTTP models of the annual evaluation."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_registry.domain.annual_report import ActivityType, FivePoint
from nic_registry.domain.clusters import EscaGrade
from nic_registry.domain.evaluation import Criterion, ExpiryKind, Outcome, Verdict
from nic_registry.paging import Page
from nic_shared.contracts.registry_facts import ActorType, ClusterLevel


class Status(StrEnum):
    DRAFT = "draft"
    DECIDED = "decided"


class RunIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"as_of": "2024-12-31"}]}
    )

    as_of: date | None = Field(
        default=None,
        description="The date of the facts; default 31 December of the year, or today if "
        "earlier. Inside the year (422, rule within_year) and not after today (not_in_future).",
    )


class LevelOut(BaseModel):
    level: ClusterLevel
    valid_from: date
    valid_to: date | None
    run_start: date = Field(description="Start of the unbroken run at this level.")
    cap_years: int | None = Field(description="Arena 3, Arena Pro 5 (seed 002); GCE none.")
    cap_ends_on: date | None
    year_of_term: int
    days_used: int


class EscaOut(BaseModel):
    grade: EscaGrade
    valid_until: date


class MatureOut(BaseModel):
    qualified: bool
    qualified_until: date | None = Field(description="Renewal is due the day after.")


class FivePointOut(BaseModel):
    covered: bool
    present: list[FivePoint]
    missing: list[FivePoint]


class FactsOut(BaseModel):
    as_of: date
    activities_from: date = Field(description="Activities are counted from here to as_of.")
    members_by_actor_type: dict[ActorType, int]
    members_total: int
    five_point: FivePointOut
    activities_by_area: dict[ActivityType, int]
    level: LevelOut | None
    nce_brand: bool
    esca_label: EscaOut | None
    mature: MatureOut | None


class OverrideOut(BaseModel):
    verdict: Verdict
    note: str
    by: str
    at: datetime


class CheckItemOut(BaseModel):
    criterion: Criterion
    computed: Verdict = Field(description="As the rule computed it.")
    verdict: Verdict = Field(description="The officer's override where there is one.")
    figure: str
    text_nb: str
    text_en: str
    override: OverrideOut | None = None


class AuditOut(BaseModel):
    action: str
    actor: str
    at: datetime
    details: dict[str, Any]


class EvaluationOut(BaseModel):
    id: UUID
    cluster_id: UUID
    cluster_name: str
    year: int
    status: Status
    facts: FactsOut
    checklist: list[CheckItemOut]
    suggested_outcome: Outcome = Field(description="Warning when a criterion fails; advice only.")
    assessment: str | None
    outcome: Outcome | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    audit: list[AuditOut] | None = Field(
        default=None, description="Officers only: every action, who and when."
    )


class EvaluationSummary(BaseModel):
    id: UUID
    cluster_id: UUID
    cluster_name: str
    year: int
    as_of: date
    status: Status
    outcome: Outcome | None
    verdicts: dict[Verdict, int]


class RunOut(BaseModel):
    year: int
    as_of: date
    created: int
    existing: int
    items: list[EvaluationSummary]


class EvaluationPage(Page):
    items: list[EvaluationSummary]


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    note: str = Field(min_length=1, max_length=2000, description="Why; kept and audited.")


class EvaluationPatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "assessment": "Sterk utvikling i tråd med strategien.",
                    "overrides": {
                        "development_activity": {
                            "verdict": "pass",
                            "note": "Activities for 2024 registered late, seen in the report",
                        }
                    },
                }
            ]
        },
    )

    assessment: str | None = Field(default=None, max_length=20000)
    overrides: dict[Criterion, OverrideIn | None] | None = Field(
        default=None, description="Per criterion: an override, or null to remove one."
    )


class DecideIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"outcome": "continue"}]}
    )

    outcome: Outcome


class ExpiryWarningOut(BaseModel):
    cluster_id: UUID
    cluster_name: str
    kind: ExpiryKind
    expires_on: date
    days_left: int
    detail: str


class WarningsOut(BaseModel):
    as_of: date
    lead_days: int
    items: list[ExpiryWarningOut]
