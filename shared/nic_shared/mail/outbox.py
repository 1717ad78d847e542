"""Queue a mail in the caller's transaction; a mail server outage never fails the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.mail.model import MailAttachment, MailMessageMixin


async def enqueue(
    session: AsyncSession,
    model: type[MailMessageMixin],
    *,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    attachment: MailAttachment | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Add the mail to the session; False (nothing added) if `dedupe_key` was queued before.

    The unique constraint on `dedupe_key` backs the check: of two instances racing, the
    second one's transaction fails and is retried by its caller, never sending twice.
    """
    if dedupe_key is not None:
        found = await session.scalar(select(model.id).where(model.dedupe_key == dedupe_key))
        if found is not None:
            return False
    fields: dict[str, Any] = {
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "created_at": now,
        "sent_at": None,
        "attempts": 0,
        "dedupe_key": dedupe_key,
    }
    if attachment is not None:
        fields |= {
            "attachment_name": attachment.filename,
            "attachment_type": attachment.content_type,
            "attachment_data": attachment.data,
        }
    session.add(model(**fields))
    return True
