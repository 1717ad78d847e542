"""Attachment use cases. The upload streams outside any transaction (a slow client must not
hold the database): check access, stream to storage, then record the row."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import writable
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.attachments.schemas import AttachmentOut
from nic_intake.attachments.storage import AttachmentStorage, StoredBlob, TooLarge
from nic_intake.models import Application, Attachment, Call
from nic_shared.auth import Principal
from nic_shared.db import Database
from nic_shared.events.intake import AttachmentRef
from nic_shared.problems import Conflict, PayloadTooLarge, UnsupportedMediaType

KIND = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def clean_filename(name: str) -> str:
    """A display name without paths or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:255]
    return cleaned or "attachment"


def media_type(header: str | None, allowed: list[str]) -> str:
    value = (header or "").split(";", 1)[0].strip().lower()
    if value not in allowed:
        raise UnsupportedMediaType(
            f"content type {value or '(none)'} is not allowed; allowed: {', '.join(allowed)}",
            detail_nb=f"innholdstypen {value or '(ingen)'} er ikke tillatt",
            slug="attachment-type-refused",
            allowed=allowed,
        )
    return value


async def check_editable(session: AsyncSession, app: Application, now: datetime) -> None:
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict("the application is withdrawn", slug="application-withdrawn")
    call = await session.get(Call, app.call_id)
    assert call is not None
    if not now < call.deadline:
        raise Conflict(
            "the deadline has passed", detail_nb="søknadsfristen er passert", slug="deadline-passed"
        )


async def upload(
    db: Database,
    storage: AttachmentStorage,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    kind: str,
    filename: str,
    content_type: str,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
    now: datetime,
) -> Attachment:
    async with db.transaction() as session:
        app = await writable(session, principal, application_id, for_update=False)
        await check_editable(session, app, now)
    attachment_id = uuid.uuid4()
    key = f"{application_id}-{attachment_id}"
    try:
        blob: StoredBlob = await storage.save(key, chunks, max_bytes=max_bytes)
    except TooLarge as exc:
        raise PayloadTooLarge(
            f"an attachment may be at most {max_bytes} bytes",
            detail_nb=f"et vedlegg kan være høyst {max_bytes} byte",
            max_bytes=max_bytes,
        ) from exc
    try:
        async with db.transaction() as session:
            app = await writable(session, principal, application_id)
            await check_editable(session, app, now)
            row = Attachment(
                id=attachment_id,
                application_id=application_id,
                kind=kind,
                filename=clean_filename(filename),
                content_type=content_type,
                size_bytes=blob.size_bytes,
                sha256=blob.sha256,
                storage_key=key,
                uploaded_by=principal.subject,
                uploaded_at=now,
            )
            session.add(row)
            app.etag_version += 1
            app.updated_at = now
    except BaseException:
        await storage.delete(key)
        raise
    return row


async def for_application(session: AsyncSession, application_id: uuid.UUID) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(Attachment.application_id == application_id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list((await session.scalars(query)).all())


def to_ref(row: Attachment) -> AttachmentRef:
    return AttachmentRef(
        attachment_id=row.id,
        kind=row.kind,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
    )


def to_out(row: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=row.id,
        application_id=row.application_id,
        kind=row.kind,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        download_url=f"/v1/applications/{row.application_id}/attachments/{row.id}/content",
    )
