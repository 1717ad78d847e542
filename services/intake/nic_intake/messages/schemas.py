"""HTTP models for requests for information and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator


class InfoRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=5000)
    due_local: datetime = Field(
        description="Europe/Oslo wall-clock time, no offset, e.g. 2026-12-20T12:00; in the future"
    )

    @field_validator("due_local")
    @classmethod
    def _wall_clock(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("give the Oslo wall-clock time without an offset")
        return value


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20000)
    attachment_ids: list[UUID] = Field(
        default_factory=list,
        max_length=30,
        description="Files uploaded to POST .../info-requests/{id}/attachments for this request.",
    )


class AnswerAttachment(BaseModel):
    attachment_id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    download_url: str


class AnswerOut(BaseModel):
    id: UUID
    text: str
    attachments: list[AnswerAttachment]
    answered_by: str
    answered_at: datetime


class InfoRequestOut(BaseModel):
    id: UUID
    application_id: UUID
    question: str
    due_at: datetime
    due_at_oslo: datetime
    overdue: bool
    status: Literal["open", "closed"]
    requested_by: str
    requested_at: datetime
    closed_at: datetime | None
    answers: list[AnswerOut]


class InfoRequestList(BaseModel):
    items: list[InfoRequestOut]
