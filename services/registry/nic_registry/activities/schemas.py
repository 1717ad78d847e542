"""HTTP models for activities."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_registry.domain.annual_report import ActivityType
from nic_registry.identity import KeyItem
from nic_registry.paging import Page
from nic_shared.dates import PlausibleDate


class ActivityCreate(BaseModel):
    """An activity; participating organisations must be members of the cluster on its date."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "activity_date": "2023-03-14",
                    "title": "Workshop on industrial symbiosis",
                    "activity_type": "innovation_collaboration",
                    "participant_count": 34,
                    "participant_organisations": ["988077917", "SE:5560360793"],
                }
            ]
        },
    )

    activity_date: PlausibleDate
    title: str = Field(min_length=1, max_length=300)
    activity_type: ActivityType
    participant_count: int = Field(ge=0, le=1_000_000, description="People; never their names.")
    participant_organisations: list[KeyItem] = Field(default_factory=list, max_length=1000)


class ActivityOut(BaseModel):
    id: UUID
    cluster_id: UUID
    activity_date: date
    title: str
    activity_type: ActivityType
    participant_count: int
    participant_organisations: list[str]
    created_at: datetime


class ActivityPage(Page):
    items: list[ActivityOut]
