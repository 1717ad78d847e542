"""The CloudEvents 1.0 envelope (structured JSON mode) every event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CloudEvent(BaseModel):
    """One event on the wire. `traceparent` is the CloudEvents distributed-tracing extension."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    traceparent: str | None = None

    def to_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate_json(raw)
