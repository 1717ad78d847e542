"""Attachment use cases. The upload streams outside any transaction (a slow client must not
hold the database): check access, stream to storage, then record the row."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Header
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import writable
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.attachments.scanning import Scanner, ScanStatus
from nic_intake.attachments.schemas import AttachmentOut
from nic_intake.attachments.storage import AttachmentStorage, StoredBlob, TooLarge
from nic_intake.messages.models import open_request
from nic_intake.models import Application, ApplicationVersion, Attachment, Call
from nic_intake.settings import DEFAULT_CONTENT_TYPES, IntakeSettings
from nic_shared.auth import Principal
from nic_shared.db import Database
from nic_shared.events.intake import AttachmentRef
from nic_shared.problems import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnprocessableContent,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)

KIND = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def clean_filename(name: str) -> str:
    """A display name without paths or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:255]
    return cleaned or "attachment"


def media_type(
    header: str | None, allowed: list[str], *, slug: str = "attachment-type-refused"
) -> str:
    """The body's content type, if on the allow-list (415 naming the header otherwise)."""
    value = (header or "").split(";", 1)[0].strip().lower()
    if value not in allowed:
        raise UnsupportedMediaType(
            f"content type {value or '(none)'} is not allowed; allowed: {', '.join(allowed)}",
            detail_nb=f"innholdstypen {value or '(ingen)'} er ikke tillatt",
            slug=slug,
            errors=[
                {
                    "parameter": "Content-Type",
                    "in": "header",
                    "rule": "allowed-content-type",
                    "detail": f"one of {', '.join(allowed)}",
                }
            ],
            allowed=allowed,
        )
    return value


def too_large(max_bytes: int, what: str = "an attachment") -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{what} may be at most {max_bytes} bytes",
        detail_nb=f"filen kan være høyst {max_bytes} byte",
        errors=[{"field": "body", "rule": "max-size", "detail": f"at most {max_bytes} bytes"}],
        max_bytes=max_bytes,
    )


UPLOAD_BODY: dict[str, object] = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes as the body, its type as Content-Type: one of these "
        "(the attachment_content_types setting; others are 415).",
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in DEFAULT_CONTENT_TYPES
        },
    }
}
"""The OpenAPI request body of every raw-upload route: the types it takes, not `*/*`."""
ContentTypeHeader = Annotated[str | None, Header(alias="content-type", include_in_schema=False)]
ContentLengthHeader = Annotated[int | None, Header(alias="content-length", include_in_schema=False)]
"""The body's own headers, read by the route: the request body documents them (a client
that sent them as parameters of their own, `content-length: null`, gets its server's 400)."""


def check_upload(
    settings: IntakeSettings,
    content_type: str | None,
    content_length: int | None,
    *,
    slug: str = "attachment-type-refused",
    what: str = "an attachment",
) -> str:
    """Before a raw upload streams: its type allowed and its declared size within the limit
    (the stream is counted again as it is stored). Every upload route asks this."""
    media = media_type(content_type, settings.attachment_content_types, slug=slug)
    if content_length is not None and content_length > settings.attachment_max_bytes:
        raise too_large(settings.attachment_max_bytes, what)
    return media


async def check_editable(session: AsyncSession, app: Application, now: datetime) -> None:
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict("the application is withdrawn", slug="application-withdrawn")
    call = await session.get(Call, app.call_id)
    assert call is not None
    if not now < call.deadline:
        raise Conflict(
            "the deadline has passed", detail_nb="søknadsfristen er passert", slug="deadline-passed"
        )


@dataclass(frozen=True)
class Limits:
    """Per application: how many attachments, and how many bytes in all (each file has its own
    `max_bytes`). Checked before the upload streams and again, under the application's row
    lock, before the row is written, so two parallel uploads cannot pass the cap together."""

    max_count: int
    max_total_bytes: int


async def check_limits(
    session: AsyncSession,
    application_id: uuid.UUID,
    limits: Limits,
    adding_bytes: int,
    replacing: Attachment | None = None,
) -> None:
    """A replacement frees its predecessor's place and bytes."""
    count, total = (
        await session.execute(
            select(
                func.count(Attachment.id), func.coalesce(func.sum(Attachment.size_bytes), 0)
            ).where(Attachment.application_id == application_id)
        )
    ).one()
    if replacing is not None:
        count, total = count - 1, total - replacing.size_bytes
    if count + 1 > limits.max_count:
        raise _limit("attachment-count", f"at most {limits.max_count} attachments", limits)
    if total + adding_bytes > limits.max_total_bytes:
        raise _limit(
            "attachment-total-size",
            f"at most {limits.max_total_bytes} bytes of attachments in all ({total} held)",
            limits,
        )


def _limit(rule: str, detail: str, limits: Limits) -> UnprocessableContent:
    return UnprocessableContent(
        f"an application may hold {detail}",
        detail_nb="søknaden har nådd grensen for vedlegg",
        slug="attachment-limit",
        errors=[{"field": "body", "rule": rule, "detail": detail}],
        max_count=limits.max_count,
        max_total_bytes=limits.max_total_bytes,
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
    limits: Limits,
    now: datetime,
    scanner: Scanner,
    replaces: uuid.UUID | None = None,
    info_request_id: uuid.UUID | None = None,
) -> Attachment:
    """A new attachment; with `replaces`, it takes that one's place in the same transaction
    (which must be removable: see `removable`). With `info_request_id`, a file for an answer
    to that request: it needs the request open, not the call (after the deadline too)."""

    async def may_add(session: AsyncSession, app: Application) -> None:
        if info_request_id is None:
            await check_editable(session, app, now)
        else:
            await open_request(session, app, info_request_id)

    async with db.transaction() as session:
        app = await writable(session, principal, application_id, for_update=False)
        await may_add(session, app)
        old = await removable(session, app, replaces) if replaces else None
        await check_limits(session, application_id, limits, adding_bytes=0, replacing=old)
    attachment_id = uuid.uuid4()
    key = f"{application_id}-{attachment_id}"
    try:
        blob: StoredBlob = await storage.save(key, chunks, max_bytes=max_bytes)
    except TooLarge as exc:
        raise too_large(max_bytes) from exc
    scan = await scanner.scan(storage.read(key))  # outside any transaction
    if scan.status is ScanStatus.INFECTED:
        await storage.delete(key)
        raise infected(application_id, scan.signature)
    try:
        async with db.transaction() as session:
            app = await writable(session, principal, application_id)
            await may_add(session, app)
            old = await removable(session, app, replaces) if replaces else None
            await check_limits(
                session, application_id, limits, adding_bytes=blob.size_bytes, replacing=old
            )
            if old is not None:
                await session.delete(old)
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
                info_request_id=info_request_id,
                scan_status=scan.status.value,
                scanned_by=scan.engine if scan.status is ScanStatus.CLEAN else None,
                scanned_at=now if scan.status is ScanStatus.CLEAN else None,
            )
            session.add(row)
            app.etag_version += 1
            app.updated_at = now
    except BaseException:
        await storage.delete(key)
        raise
    if old is not None:
        await storage.delete(old.storage_key)  # after the commit: the row no longer names it
    return row


def infected(application_id: uuid.UUID, signature: str | None) -> UnprocessableContent:
    log.warning(
        "upload refused: malware found",
        extra={"application_id": str(application_id), "signature": signature},
    )
    return UnprocessableContent(
        f"the file carries malware ({signature}) and was not kept",
        detail_nb=f"filen inneholder skadevare ({signature}) og ble ikke lagret",
        slug="attachment-infected",
        errors=[{"field": "body", "rule": "malware", "detail": signature or "malware"}],
        signature=signature,
    )


async def rescan(
    db: Database,
    storage: AttachmentStorage,
    scanner: Scanner,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    attachment_id: uuid.UUID,
    now: datetime,
) -> Attachment:
    """Scan an attachment held as unscanned again (clamd was away): clean, or removed."""
    async with db.transaction() as session:
        app = await writable(session, principal, application_id, for_update=False)
        row = await session.get(Attachment, attachment_id)
        if row is None or row.application_id != app.id:
            raise NotFound(f"no attachment {attachment_id}", detail_nb="finner ikke vedlegget")
        if row.scan_status == ScanStatus.CLEAN.value:
            return row
    scan = await scanner.scan(storage.read(row.storage_key))
    if scan.status is ScanStatus.UNSCANNED:
        raise ServiceUnavailable(
            "no virus scanner answers now; the attachment stays unscanned",
            detail_nb="ingen virusskanner svarer nå; vedlegget er fortsatt ikke skannet",
            slug="scanner-unavailable",
            headers={"Retry-After": "30"},
        )
    async with db.transaction() as session:
        app = await writable(session, principal, application_id)
        row_now = await session.get(Attachment, attachment_id)
        if row_now is None:
            raise NotFound(f"no attachment {attachment_id}", detail_nb="finner ikke vedlegget")
        if scan.status is ScanStatus.CLEAN:
            row_now.scan_status = scan.status.value
            row_now.scanned_by, row_now.scanned_at = scan.engine, now
            return row_now
        # Infected: the bytes go; the row too unless a submitted version names it (then it
        # stays, marked, so the version's list is still true and downloads are refused).
        row_now.scan_status = ScanStatus.INFECTED.value
        row_now.scanned_by, row_now.scanned_at = scan.engine, now
        try:
            await removable(session, app, attachment_id)
        except Conflict:
            pass
        else:
            await session.delete(row_now)
        app.etag_version += 1
    await storage.delete(row.storage_key)
    raise infected(application_id, scan.signature)


async def removable(
    session: AsyncSession, app: Application, attachment_id: uuid.UUID
) -> Attachment:
    """The attachment, if it may go: one that is part of a submitted version never does
    (the panel reads it, the receipt's hash covers it), whatever happens later."""
    row = await session.get(Attachment, attachment_id)
    if row is None or row.application_id != app.id:
        raise NotFound(f"no attachment {attachment_id}", detail_nb="finner ikke vedlegget")
    for content in await session.scalars(
        select(ApplicationVersion.content).where(ApplicationVersion.application_id == app.id)
    ):
        if any(
            a.get("attachment_id") == str(attachment_id) for a in content.get("attachments", [])
        ):
            raise Conflict(
                "this attachment is part of a submitted version and is kept with it; upload "
                "a new one instead (the next submission carries it)",
                detail_nb="vedlegget hører til en innsendt versjon og beholdes; last opp et nytt",
                slug="attachment-submitted",
                attachment_id=str(attachment_id),
            )
    return row


async def delete(
    db: Database,
    storage: AttachmentStorage,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    attachment_id: uuid.UUID,
    now: datetime,
) -> None:
    async with db.transaction() as session:
        app = await writable(session, principal, application_id)
        await check_editable(session, app, now)
        row = await removable(session, app, attachment_id)
        key = row.storage_key
        await session.delete(row)
        app.etag_version += 1
        app.updated_at = now
    await storage.delete(key)


async def for_application(session: AsyncSession, application_id: uuid.UUID) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(Attachment.application_id == application_id, Attachment.info_request_id.is_(None))
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
        scan_status=row.scan_status,
        download_url=f"/v1/applications/{row.application_id}/attachments/{row.id}/content",
    )
