"""HTTP models for attachments."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class AttachmentOut(BaseModel):
    id: UUID
    application_id: UUID
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    download_url: str


class AttachmentList(BaseModel):
    items: list[AttachmentOut]
