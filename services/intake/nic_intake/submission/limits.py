"""How often one application may submit, and how many receipt e-mails the platform sends.

A receipt goes to the address the applicant typed, so unbounded resubmission would let
anyone make the platform mail any address again and again. Counted from what is stored
(the application's versions, the mail outbox), in the submit's own transaction, over the
last hour (a sliding window):
- submissions per application: the next gets 429 with Retry-After (when the oldest counted
  one leaves the window); nothing is stored;
- receipt e-mails per application (the first N submissions of any hour are mailed) and per
  address (across all applications): past either, the submission is received as always,
  with its receipt in the API, and no mail; the receipt says why (`receipt_mail`).
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import ApplicationVersion, MailMessage
from nic_intake.settings import IntakeSettings
from nic_shared.problems import TooManyRequests

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
RECEIPT_KEY = "receipt:"


@dataclass(frozen=True)
class SubmitLimits:
    submissions_per_application: int
    receipt_mails_per_application: int
    receipt_mails_per_address: int
    allow_unscanned_attachments: bool = False  # what a submission may carry (scanning.py)

    @classmethod
    def of(cls, settings: IntakeSettings) -> SubmitLimits:
        return cls(
            settings.submissions_per_application_per_hour,
            settings.receipt_mails_per_application_per_hour,
            settings.receipt_mails_per_address_per_hour,
            settings.allow_unscanned_attachments,
        )


def receipt_key(application_id: uuid.UUID, version: int) -> str:
    """The receipt mail's dedupe key: one receipt per version, and countable as a receipt."""
    return f"{RECEIPT_KEY}{application_id}:{version}"


async def check_submissions(
    session: AsyncSession, application_id: uuid.UUID, now: datetime, limits: SubmitLimits
) -> int:
    """The application's submissions in the last hour; 429 when one more is too many."""
    times = list(
        await session.scalars(
            select(ApplicationVersion.submitted_at)
            .where(
                ApplicationVersion.application_id == application_id,
                ApplicationVersion.submitted_at > now - WINDOW,
            )
            .order_by(ApplicationVersion.submitted_at)
        )
    )
    return count_submissions(times, now, limits)


def count_submissions(times: list[datetime], now: datetime, limits: SubmitLimits) -> int:
    """How many of `times` (the application's submissions, oldest first) are in the hour
    before `now`; 429 when one more is too many."""
    times = [t for t in times if t > now - WINDOW]
    limit = limits.submissions_per_application
    if len(times) < limit:
        return len(times)
    frees_at = times[len(times) - limit] + WINDOW
    retry_s = max(1, math.ceil((frees_at - now).total_seconds()))
    raise TooManyRequests(
        f"this application was submitted {len(times)} times in the last hour; at most "
        f"{limit} (setting submissions_per_application_per_hour); retry in {retry_s} s",
        detail_nb=f"søknaden er sendt inn {len(times)} ganger siste time; høyst {limit}; "
        f"prøv igjen om {retry_s} s",
        slug="submission-rate-limited",
        headers={"Retry-After": str(retry_s)},
        limit=limit,
        window_s=int(WINDOW.total_seconds()),
        retry_after_s=retry_s,
    )


def mail_refusal(
    application_id: uuid.UUID, recent_submissions: int, to_address: int, limits: SubmitLimits
) -> str | None:
    """Why this receipt is not mailed ("per_application" or "per_address"), or None;
    `to_address`: receipt mails to its address in the last hour."""
    if recent_submissions >= limits.receipt_mails_per_application:
        reason = "per_application"
    elif to_address < limits.receipt_mails_per_address:
        return None
    else:
        reason = "per_address"
    # The address is personal data: the log names the application and the rule only.
    log.info(
        "receipt mail not sent: rate limit",
        extra={"application_id": str(application_id), "limit": reason},
    )
    return reason


async def receipt_mail_refusal(
    session: AsyncSession,
    application_id: uuid.UUID,
    recipient: str,
    recent_submissions: int,
    now: datetime,
    limits: SubmitLimits,
) -> str | None:
    """`mail_refusal`, counting the address's receipt mails from the mail outbox."""
    to_address = 0
    if recent_submissions < limits.receipt_mails_per_application:
        to_address = (
            await session.scalar(
                select(func.count())
                .select_from(MailMessage)
                .where(
                    MailMessage.recipient == recipient,
                    MailMessage.created_at > now - WINDOW,
                    MailMessage.dedupe_key.startswith(RECEIPT_KEY, autoescape=True),
                )
            )
            or 0
        )
    return mail_refusal(application_id, recent_submissions, to_address, limits)
