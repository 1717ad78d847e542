"""The answers and requests of the `/v1/ops` routes (nic_shared.ops), apart from the routes
so that the operations service and tests can read them without importing FastAPI routers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

MAX_BULK_REPLAY = 500


class DeadLetterSummary(BaseModel):
    id: int
    event_id: str
    event_type: str | None
    consumer_group: str
    origin_topic: str
    origin_partition: int
    origin_offset: int
    key: str | None
    error_type: str
    error: str
    attempts: int
    dead_lettered_at: datetime
    replayed_at: datetime | None
    replay_count: int
    applied: bool = Field(description="The event id is in this service's inbox: it took effect.")


class AuditEntry(BaseModel):
    action: str
    actor: str
    at: datetime
    detail: str | None


class DeadLetterDetail(DeadLetterSummary):
    traceparent: str | None
    payload: Any = Field(description="The original record: parsed JSON, or the raw text.")
    replays: list[AuditEntry]


class DeadLetterPage(BaseModel):
    items: list[DeadLetterSummary]
    next_cursor: str | None


MAX_DEAD_LETTER_ID = 2**63 - 1
"""The largest id a dead letter can have (a signed 64-bit key): ids in paths and bodies are
bounded by it, so a larger one is a 422 naming the field, never a database overflow."""


class ReplayRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ids": [12, 13]}, {"type": "application.submitted"}],
            # Exactly one of ids and type (400 bad-request otherwise), said in the schema.
            "anyOf": [
                {
                    "required": ["ids"],
                    "properties": {"ids": {"type": "array"}, "type": {"type": "null"}},
                },
                {
                    "required": ["type"],
                    "properties": {"type": {"type": "string"}, "ids": {"type": "null"}},
                },
            ],
        },
    )

    ids: list[Annotated[int, Field(ge=1, le=MAX_DEAD_LETTER_ID)]] | None = Field(
        default=None, min_length=1, max_length=MAX_BULK_REPLAY
    )
    type: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Replay every dead letter of this type.",
    )
    include_applied: bool = Field(
        default=False, description="With `type`: also those whose event already took effect."
    )
    include_replayed: bool = Field(
        default=False, description="With `type`: also those replayed before."
    )


class ReplayResult(BaseModel):
    replayed: list[int]
    skipped: list[int]


class PublishedEvent(BaseModel):
    event_id: str
    type: str
    subject: str
    topic: str
    time: datetime
    sent_at: datetime | None
    traceparent: str | None
    data: dict[str, Any]


class ConsumedEvent(BaseModel):
    event_id: str
    type: str
    topic: str
    partition: int
    offset: int
    processed_at: datetime


class EventTrail(BaseModel):
    service: str
    published: list[PublishedEvent]
    consumed: list[ConsumedEvent]
    dead_letters: list[DeadLetterSummary]


class PartitionLag(BaseModel):
    topic: str
    partition: int
    lag: int


class OpsStatus(BaseModel):
    service: str
    broker_connected: bool
    consumer_connected: bool | None
    consumer_group: str | None
    outbox_unsent: int
    outbox_oldest_unsent_age_s: float
    outbox_retained: int
    consumer_lag: list[PartitionLag]
    dead_letters: int
    dead_letters_unreplayed: int
