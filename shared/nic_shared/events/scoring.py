"""Events scoring publishes on `nic.scoring`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.events.base import EventPayload
from nic_shared.money import Nok
from nic_shared.scores import Score

TOPIC = "nic.scoring"


class CriterionMark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    criterion_id: str
    mark: Score


class ReviewSubmitted(EventPayload):
    TYPE = "no.nic.review.submitted.v1"
    TOPIC = TOPIC

    review_id: UUID
    application_id: UUID
    call_id: UUID
    panel_member_id: UUID
    marks: list[CriterionMark]
    submitted_at: datetime

    def event_subject(self) -> str:
        return str(self.application_id)


class ThresholdMiss(BaseModel):
    """A threshold not reached: a criterion's (or, with no criterion, the overall) floor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criterion_id: str | None
    required: Score
    actual: Score


class PanelScored(EventPayload):
    """An application's final panel result: per-criterion marks, weighted total, thresholds."""

    TYPE = "no.nic.panel.scored.v1"
    TOPIC = TOPIC

    application_id: UUID
    call_id: UUID
    marks: list[CriterionMark]
    weighted_total: Score
    passed_thresholds: bool
    threshold_misses: list[ThresholdMiss] = Field(default_factory=list)
    by_consensus: bool
    applicant_feedback: str | None = Field(
        default=None,
        description="The panel's comments released to the applicant (never internal notes).",
    )
    scored_at: datetime

    def event_subject(self) -> str:
        return str(self.application_id)


class FundingOutcome(StrEnum):
    RECOMMENDED = "recommended"
    RESERVE = "reserve"
    NOT_RECOMMENDED = "not_recommended"


class RankingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    application_id: UUID
    title: str
    rank: int | None = Field(description="None for applications below a threshold.")
    weighted_total: Score
    requested_amount_nok: Nok
    outcome: FundingOutcome


class RankingPublished(EventPayload):
    TYPE = "no.nic.ranking.published.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"ranking_version"})

    call_id: UUID
    ranking_version: int = Field(ge=1)
    budget_frame_nok: Nok
    recommended_total_nok: Nok
    entries: list[RankingEntry]
    published_at: datetime

    def event_subject(self) -> str:
        return str(self.call_id)


class StaleReason(StrEnum):
    """Why a published ranking no longer matches the facts it was made from."""

    WITHDRAWN = "withdrawn"  # a ranked application was withdrawn
    NO_LONGER_ELIGIBLE = "no_longer_eligible"  # its eligibility changed
    RESULT_VOIDED = "result_voided"  # its panel result was voided (conflict, new reviewer)
    RESULT_CHANGED = "result_changed"  # its result or requested amount is not what was ranked
    NEWLY_SCORED = "newly_scored"  # an application got a result after publication
    BUDGET_CHANGED = "budget_changed"  # the call's budget frame changed
    INPUTS_CHANGED = "inputs_changed"  # anything else the ranking is made from


class StaleFact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    application_id: UUID | None = Field(description="None when the call as a whole changed")
    reason: StaleReason


class RankingStale(EventPayload):
    """The latest published ranking of a call no longer matches its facts: an officer must
    publish again. Announced once per change of the facts, not once per read."""

    TYPE = "no.nic.ranking.stale.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"ranking_version", "reasons"})

    call_id: UUID
    ranking_version: int = Field(ge=1)
    reasons: list[StaleFact] = Field(min_length=1)
    detected_at: datetime

    def event_subject(self) -> str:
        return str(self.call_id)


class FundingRecommended(EventPayload):
    TYPE = "no.nic.funding.recommended.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"rank", "ranking_version"})

    application_id: UUID
    call_id: UUID
    ranking_version: int = Field(ge=1)
    outcome: FundingOutcome
    rank: int | None
    recommended_amount_nok: Nok
    recommended_at: datetime

    def event_subject(self) -> str:
        return str(self.application_id)
