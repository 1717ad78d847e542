"""Receipts and submitted versions, as stored."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.domain.deadline import in_oslo
from nic_intake.models import ApplicationVersion, Call
from nic_intake.submission.schemas import ReceiptOut
from nic_shared.problems import NotFound


def receipt_out(version: ApplicationVersion, call: Call) -> ReceiptOut:
    return ReceiptOut(
        application_id=version.application_id,
        call_id=call.id,
        call_code=call.code,
        version=version.version,
        received_at_utc=version.submitted_at,
        received_at_oslo=in_oslo(version.submitted_at),
        content_sha256=version.content_sha256,
        receipt_mail=version.receipt_mail,
    )


async def versions(session: AsyncSession, application_id: uuid.UUID) -> list[ApplicationVersion]:
    query = (
        select(ApplicationVersion)
        .where(ApplicationVersion.application_id == application_id)
        .order_by(ApplicationVersion.version)
    )
    return list((await session.scalars(query)).all())


async def version(
    session: AsyncSession, application_id: uuid.UUID, number: int | None
) -> ApplicationVersion:
    """One submitted version; the latest when `number` is None."""
    query = select(ApplicationVersion).where(ApplicationVersion.application_id == application_id)
    if number is None:
        query = query.order_by(ApplicationVersion.version.desc()).limit(1)
    else:
        query = query.where(ApplicationVersion.version == number)
    row = (await session.scalars(query)).first()
    if row is None:
        raise NotFound("no such submitted version", detail_nb="finner ingen slik innsendt versjon")
    return row
