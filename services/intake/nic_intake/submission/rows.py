"""What a submission carries into the group commit (`commit.py`), and the rows it writes.

The rows are built as plain values and inserted for the whole batch at once (one
multi-row INSERT per table), never as ORM objects one by one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import Application, Attachment, Call
from nic_intake.submission.limits import SubmitLimits
from nic_intake.submission.schemas import ReceiptOut, SubmitIn
from nic_shared import tracing
from nic_shared.auth import Principal
from nic_shared.events import CloudEvent, EventPayload, new_event
from nic_shared.idempotency import request_hash


@dataclass(frozen=True)
class Remembered:
    """A submit's Idempotency-Key: scoped to the caller, hashed with the body."""

    scope: str
    key: str
    body_hash: str

    @classmethod
    def of(cls, scope: str, key: str, application_id: uuid.UUID, body: Any) -> Remembered:
        return cls(scope, key, request_hash({"application_id": str(application_id), "body": body}))

    def row(self, status: int, body: Any, headers: dict[str, str]) -> dict[str, Any]:
        """The idempotency_keys row that replays this answer (nic_shared.idempotency)."""
        return {
            "scope": self.scope,
            "key": self.key,
            "request_hash": self.body_hash,
            "status_code": status,
            "response_body": json.dumps(body, default=str),
            "response_headers": json.dumps(headers),
            "created_at": datetime.now(UTC),
        }


@dataclass(frozen=True)
class SubmitRequest:
    """One submit as it arrived: who, what, and the time of receipt (read once)."""

    principal: Principal
    application_id: uuid.UUID
    body: SubmitIn
    now: datetime
    limits: SubmitLimits
    remembered: Remembered
    traceparent: str | None
    """The request's trace, for the event: the writer runs in a task of its own."""


@dataclass
class Loaded:
    """What a batch's submissions are decided on, read in the batch's transaction."""

    apps: dict[uuid.UUID, Application]
    calls: dict[uuid.UUID, Call]
    attachments: dict[uuid.UUID, list[Attachment]]
    times: dict[uuid.UUID, list[datetime]]
    """Each application's submissions since the earliest request's hour began, in order."""
    mails: dict[str, list[datetime]]
    """Receipt mails per address since then (the addresses in the drafts)."""


@dataclass(frozen=True)
class Prepared:
    """One decided submission: the receipt to answer and the rows that make it true."""

    receipt: ReceiptOut
    location: str
    version: dict[str, Any]
    status_entry: dict[str, Any]
    event: dict[str, Any]
    created: CloudEvent
    """The event in `event`: its producer span is handed over in the request's own context
    (`tracing.event_created`), which the writer task does not have."""
    mail: dict[str, Any] | None
    idempotency: dict[str, Any]


def request_trace() -> str | None:
    """A child of the current trace for the event, as `nic_shared.outbox.record` makes."""
    trace = tracing.current()
    return trace.child().traceparent if trace else None


def outbox_values(
    session: AsyncSession, payload: EventPayload, traceparent: str | None
) -> tuple[dict[str, Any], CloudEvent]:
    """The outbox row `nic_shared.outbox.record` would write, and its event."""
    event = new_event(payload, source=session.info["event_source"], traceparent=traceparent)
    row = {
        "event_id": event.id,
        "event_type": event.type,
        "topic": payload.TOPIC,
        "key": event.subject,
        "payload": event.model_dump_json(exclude_none=True),
        "traceparent": traceparent,
        "created_at": event.time,
    }
    return row, event


def mail_values(
    recipient: str, subject: str, body: str, now: datetime, dedupe_key: str
) -> dict[str, Any]:
    """A mail_outbox row as `nic_shared.mail.enqueue` adds it (no attachment)."""
    return {
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "created_at": now,
        "sent_at": None,
        "attempts": 0,
        "last_error": None,
        "dedupe_key": dedupe_key,
        "attachment_name": None,
        "attachment_type": None,
        "attachment_data": None,
        "claimed_until": None,
    }
