"""Withdraw a submitted application: ApplicationWithdrawn goes out in the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import writable
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.models import Application, StatusEntry
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.events.intake import ApplicationWithdrawn
from nic_shared.http import require_if_match
from nic_shared.problems import Conflict


async def withdraw(
    session: AsyncSession,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    reason: str,
    if_match: str | None,
    now: datetime,
) -> Application:
    app = await writable(session, principal, application_id)
    if if_match is not None:
        require_if_match(if_match, app.etag_version)
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict(
            "the application is already withdrawn",
            detail_nb="søknaden er allerede trukket",
            slug="application-withdrawn",
        )
    if app.status != ApplicationStatus.SUBMITTED.value:
        raise Conflict(
            "only a submitted application can be withdrawn; a draft is simply left",
            detail_nb="bare en innsendt søknad kan trekkes; et utkast kan bare ligge",
            slug="not-submitted",
        )
    if app.funding_recommended_at is not None:
        raise Conflict(
            "a funding recommendation exists; contact the programme to withdraw",
            detail_nb="det finnes en innstilling; kontakt programmet for å trekke søknaden",
            slug="funding-recommended",
        )
    app.status = ApplicationStatus.WITHDRAWN.value
    app.withdrawn_at = now
    app.withdrawal_reason = reason
    app.etag_version += 1
    app.updated_at = now
    session.add(
        StatusEntry(
            application_id=app.id,
            kind="withdrawn",
            outcome=None,
            details={"reason": reason},
            occurred_at=now,
        )
    )
    await session.flush()
    await outbox.record(
        session,
        ApplicationWithdrawn(
            application_id=app.id, call_id=app.call_id, reason=reason, withdrawn_at=now
        ),
    )
    return app
