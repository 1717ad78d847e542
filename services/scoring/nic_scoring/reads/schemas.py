"""What a panel member reads: one submitted version, blind-redacted when the panel is blind."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel


class SubmittedContentOut(BaseModel):
    """The version under review exactly as submitted (identities hidden when `blind`)."""

    application_id: UUID
    version: int
    submitted_at: datetime
    content_sha256: str
    blind: bool
    content: dict[str, Any]


class AttachmentLinkOut(BaseModel):
    """A signed link to one attachment's bytes at intake, valid until `expires_at`."""

    url: str
    expires_at: datetime
