"""HTTP models for the public call pages and the call documents."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, Field

from nic_shared.events.specs import LocalText


class PublicStatus(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class OsloTime(BaseModel):
    """One instant, three ways: UTC, Oslo time with its offset, and as a call text says it."""

    utc: datetime = Field(examples=["2026-12-15T15:00:00Z"])
    oslo: str = Field(
        description="ISO 8601 in Europe/Oslo with the offset of that date",
        examples=["2026-12-15T16:00:00+01:00"],
    )
    text: LocalText = Field(
        examples=[
            {
                "nb": "15. desember 2026 kl. 16:00 (norsk tid)",
                "en": "15 December 2026 at 16:00 (Norwegian time, UTC+01:00)",
            }
        ]
    )


class DocumentVersionOut(BaseModel):
    id: UUID
    kind: str
    version: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    download_url: str


class DocumentOut(BaseModel):
    """One kind of document: its latest version, and every version newest first."""

    kind: str
    label: LocalText
    latest: DocumentVersionOut
    versions: list[DocumentVersionOut]


class CriterionOut(BaseModel):
    id: str
    name: LocalText
    weight_percent: int = Field(description="The criterion's share of the weights, in percent.")
    threshold: Decimal | None = None


class PublicCallSummary(BaseModel):
    id: UUID
    code: str
    status: PublicStatus
    title: LocalText
    opens_at: OsloTime
    deadline: OsloTime
    budget_frame_nok: int
    url: str
    html_url: str


class PublicCallPage(BaseModel):
    items: list[PublicCallSummary]
    next_cursor: str | None = None


class PublicCallOut(PublicCallSummary):
    description: LocalText
    grant_min_nok: int | None
    grant_max_nok: int | None
    max_aid_intensity_percent: int
    criteria: list[CriterionOut]
    documents: list[DocumentOut]


class DocumentList(BaseModel):
    """An officer's view: also for a draft call."""

    call_id: UUID
    documents: list[DocumentOut]
