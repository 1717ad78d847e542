"""Closing a proposal its cluster did not forward: the step on its timeline the applicant
reads, and one e-mail to its contact person. The same for a forwarding that names others
and for the sweep after a cluster's deadline that passed with nothing forwarded."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import Application, ApplicationVersion, Call, MailMessage, StatusEntry
from nic_intake.priority.mail import closed_mail
from nic_shared import mail

NOT_FORWARDED = "not_forwarded"
KIND = "cluster_priority"


def timeline_step(
    application_id: uuid.UUID,
    outcome: str,
    cluster_id: uuid.UUID,
    now: datetime,
    *,
    lapsed: bool = False,
) -> StatusEntry:
    details = {"cluster_id": str(cluster_id)}
    if lapsed:
        details["reason"] = "cluster_deadline_passed"
    return StatusEntry(
        application_id=application_id,
        kind=KIND,
        outcome=outcome,
        details=details,
        occurred_at=now,
        event_id=None,
    )


async def tell_applicant(
    session: AsyncSession, call: Call, app: Application, now: datetime, *, lapsed: bool
) -> bool:
    """Queue the closing mail to the submitted version's contact person, once per proposal
    (the dedupe key); False when there is nobody to write to or it was queued before. The
    address goes only into the mail outbox, never into an event or a log line."""
    content = await session.scalar(
        select(ApplicationVersion.content)
        .where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.version.desc())
        .limit(1)
    )
    person = (content or app.content or {}).get("contact_person") or {}
    if not person.get("email"):
        return False
    title = str((content or app.content or {}).get("title") or app.id)
    subject, body = closed_mail(
        name=str(person.get("name") or ""),
        call_code=call.code,
        title=title,
        application_id=str(app.id),
        lapsed=lapsed,
    )
    return await mail.enqueue(
        session,
        MailMessage,
        recipient=str(person["email"]),
        subject=subject,
        body=body,
        now=now,
        dedupe_key=f"proposal-closed:{app.id}",
    )
