"""The receipt every applicant gets at submission (seed 004), and the content hash it cites.

The hash is over a canonical JSON form (sorted keys, no insignificant whitespace, UTF-8, all
fields including nulls), so anyone holding the submitted content can recompute it and prove
what was received; it must never depend on dict order or formatting.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from nic_intake.domain.deadline import OSLO, NaiveInstantError
from nic_shared.events.intake import ApplicationContent


def canonical_json(content: ApplicationContent) -> bytes:
    """The content as canonical UTF-8 JSON bytes."""
    return json.dumps(
        content.model_dump(mode="json"),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def content_sha256(content: ApplicationContent) -> str:
    """Lower-case hex SHA-256 of the canonical JSON."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof of receipt: which version of which application arrived when, with what content."""

    application_id: UUID
    call_id: UUID
    version: int
    received_at_utc: datetime
    received_at_oslo: datetime
    content_sha256: str

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError("versions start at 1")
        if self.received_at_utc.utcoffset() != timedelta(0):
            raise ValueError("received_at_utc must be in UTC")
        if self.received_at_oslo.tzinfo != OSLO:
            raise ValueError("received_at_oslo must be in Europe/Oslo")
        if self.received_at_utc != self.received_at_oslo:
            raise ValueError("the UTC and Oslo times must be the same instant")
        if len(self.content_sha256) != 64 or self.content_sha256.strip("0123456789abcdef"):
            raise ValueError("content_sha256 must be 64 lower-case hex digits")


def issue_receipt(
    *,
    application_id: UUID,
    call_id: UUID,
    version: int,
    content: ApplicationContent,
    received_at: datetime,
) -> Receipt:
    """A receipt for a submission received at ``received_at`` (any timezone, not naive)."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise NaiveInstantError("received_at has no timezone")
    return Receipt(
        application_id=application_id,
        call_id=call_id,
        version=version,
        received_at_utc=received_at.astimezone(UTC),
        received_at_oslo=received_at.astimezone(OSLO),
        content_sha256=content_sha256(content),
    )
