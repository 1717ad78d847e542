"""HTTP models for attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field


class AttachmentOut(BaseModel):
    id: UUID
    application_id: UUID
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    scan_status: Literal["clean", "unscanned", "infected"] = Field(
        description="clean: a virus scanner passed it; unscanned: none could (the submit "
        "refuses it unless allowed; POST .../scan tries again); infected: found after it "
        "was submitted, its bytes removed."
    )
    download_url: str


class AttachmentList(BaseModel):
    items: list[AttachmentOut]
