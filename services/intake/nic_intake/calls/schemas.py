"""HTTP models for calls."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from nic_intake.domain.call_terms import CallOverrides
from nic_shared.dates import out_of_order
from nic_shared.events.specs import LocalText, RuleSetSpec, Scheme, ScoringSchemeSpec
from nic_shared.money import Nok, Percent


class CallStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DECIDED = "decided"


class CallCreate(BaseModel):
    """A new call. Times are Oslo wall-clock times without an offset, as a call text states
    them ("1. oktober 2021 kl. 16.00"); they are stored as instants."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "SIRK-2023",
                    "scheme": "circular_value_chains",
                    "title": {
                        "nb": "Samarbeidsprosjekter for sirkulære verdikjeder 2023",
                        "en": "Collaboration projects for circular value chains 2023",
                    },
                    "description": {"nb": "Utlysning for klynger.", "en": "A call for clusters."},
                    "opens_at_local": "2023-05-12T00:00:00",
                    "deadline_local": "2023-09-01T16:00:00",
                    "budget_frame_nok": 30000000,
                }
            ]
        },
    )

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,40}$", examples=["SIRK-2023"])
    scheme: Scheme
    title: LocalText
    description: LocalText
    opens_at_local: datetime = Field(description="Europe/Oslo wall-clock time, no offset.")
    deadline_local: datetime = Field(
        description="Europe/Oslo wall-clock time, no offset; after opens_at_local (else 422, "
        "rule end-before-start: a rule across two fields, which no schema states)."
    )
    budget_frame_nok: Nok
    overrides: CallOverrides | None = Field(
        default=None, description="Per-call changes to the scheme template's defaults."
    )
    cluster_deadline_local: SkipJsonSchema[None] | datetime = Field(
        default=None,
        description="A call with a cluster stage (Innovasjonsrammen): until when clusters "
        "forward their proposals, Europe/Oslo wall-clock time, no offset; after "
        "deadline_local. Left out: 14 days after deadline_local at the same Oslo time.",
    )
    follows_call_id: UUID | None = Field(
        default=None,
        description="A second-stage call (the formal application, Innovasjonsrammen steps "
        "7-8): the call with a cluster stage whose recommended proposals may apply here. "
        "Its deadline comes after that call's cluster deadline.",
    )

    @field_validator("opens_at_local", "deadline_local", "cluster_deadline_local")
    @classmethod
    def _wall_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("give the Oslo wall-clock time without an offset")
        return value

    @model_validator(mode="after")
    def _window(self) -> CallCreate:
        if self.opens_at_local >= self.deadline_local:
            raise out_of_order("opens_at_local must be before deadline_local")
        return self


class ClusterStageOut(BaseModel):
    """A call's cluster stage: each cluster forwards proposals_min to proposals_max of the
    proposals sent to it, after the call's deadline and before its own."""

    proposals_min: int
    proposals_max: int
    deadline: datetime
    deadline_oslo: str = Field(description="The cluster's deadline as Oslo wall-clock time.")


class CallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    code: str
    scheme: Scheme
    status: CallStatus
    title: LocalText
    description: LocalText
    opens_at: datetime
    deadline: datetime
    deadline_oslo: str = Field(description="The deadline as Oslo wall-clock time.")
    budget_frame_nok: int
    grant_min_nok: int | None
    grant_max_nok: int | None
    max_aid_intensity_percent: Percent
    required_parts: list[str]
    rule_set: RuleSetSpec
    scoring_scheme: ScoringSchemeSpec
    cluster_stage: ClusterStageOut | None = None
    follows_call_id: UUID | None = None
    version: int
    created_at: datetime
    published_at: datetime | None


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None = None
