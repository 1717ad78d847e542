"""HTTP models for rankings."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_shared.events.scoring import FundingOutcome, StaleReason
from nic_shared.scores import Score


class EntryOut(BaseModel):
    application_id: UUID
    title: str
    rank: int | None
    weighted_total: Score = Field(
        description="Rounded for reading; entries are ranked on the unrounded totals."
    )
    requested_amount_nok: int
    outcome: FundingOutcome


class StaleReasonOut(BaseModel):
    """One fact that contradicts a published version; `application_id` is None call-wide."""

    application_id: UUID | None
    reason: StaleReason
    text: str
    text_nb: str


class PreviewOut(BaseModel):
    """The ranking the current inputs give, not yet published."""

    call_id: UUID
    budget_frame_nok: int
    recommended_total_nok: int
    unallocated_nok: int
    entries: list[EntryOut]
    unscored: list[UUID]
    inputs_sha256: str
    latest_version: int | None
    latest_is_current: bool
    latest_stale_reasons: list[StaleReasonOut] = Field(
        description="Why the latest version no longer matches (empty while it does)."
    )


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allow_unscored: bool = False


class RankingOut(BaseModel):
    call_id: UUID
    version: int
    budget_frame_nok: int
    recommended_total_nok: int
    entries: list[EntryOut]
    inputs_sha256: str
    published_at: datetime
    latest: bool
    stale: bool = Field(
        description="Facts changed after this version was published (a withdrawal, a "
        "voided or changed result, a new result, the budget): an officer publishes again."
    )
    stale_reasons: list[StaleReasonOut]
