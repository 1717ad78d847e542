"""HTTP models for submission and receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: Literal[True] = Field(
        description="The applicant confirms that the information given is correct."
    )
    etag: str | None = Field(
        default=None,
        description="The draft's ETag as reviewed; when given, a changed draft gets 412.",
    )


class ReceiptOut(BaseModel):
    """Proof of receipt: which version of which application arrived when, with what content."""

    application_id: UUID
    call_id: UUID
    call_code: str
    version: int
    received_at_utc: datetime
    received_at_oslo: datetime
    content_sha256: str = Field(description="SHA-256 of the canonical JSON of the content.")


class VersionSummary(BaseModel):
    version: int
    submitted_at: datetime
    content_sha256: str


class VersionList(BaseModel):
    items: list[VersionSummary]


class VersionOut(BaseModel):
    version: int
    content: dict[str, Any]
    receipt: ReceiptOut
