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


ReceiptMail = Literal[
    "queued", "no_contact", "rate_limited_per_application", "rate_limited_per_address"
]


class ReceiptOut(BaseModel):
    """Proof of receipt: which version of which application arrived when, with what content."""

    application_id: UUID
    call_id: UUID
    call_code: str
    version: int
    received_at_utc: datetime
    received_at_oslo: datetime
    content_sha256: str = Field(description="SHA-256 of the canonical JSON of the content.")
    receipt_mail: ReceiptMail | None = Field(
        default=None,
        description="Whether the receipt e-mail was queued, or why not (no contact person; "
        "a rate limit per application or per address, see the settings "
        "receipt_mails_per_*_per_hour). The receipt itself is always here.",
    )


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
