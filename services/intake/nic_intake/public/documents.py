"""Call documents: an officer uploads them (streamed, size-limited, allow-listed content
types); each upload of a kind is that kind's next version, and every version is kept.

The bytes go through the attachments' storage (`AttachmentStorage`) outside any
transaction, like an attachment: a slow upload must not hold the database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.attachments.service import clean_filename, too_large
from nic_intake.attachments.storage import AttachmentStorage, StoredBlob, TooLarge
from nic_intake.models import Call
from nic_intake.public.models import CallDocument
from nic_shared.db import Database
from nic_shared.events.specs import LocalText
from nic_shared.problems import (
    Conflict,
    NotFound,
    UnprocessableContent,
)


class DocumentKind(StrEnum):
    """The documents the seeds publish with a call (seed 000's list, and a guide)."""

    APPLICATION_TEMPLATE = "application_template"
    BUDGET_TEMPLATE = "budget_template"
    IMPLEMENTATION_PLAN_TEMPLATE = "implementation_plan_template"
    PARTNER_DESCRIPTION_TEMPLATE = "partner_description_template"
    CRITERIA = "criteria"
    GUIDE = "guide"


LABELS: dict[DocumentKind, LocalText] = {
    DocumentKind.APPLICATION_TEMPLATE: LocalText(nb="Søknadsmal", en="Application template"),
    DocumentKind.BUDGET_TEMPLATE: LocalText(nb="Budsjettmal", en="Budget template"),
    DocumentKind.IMPLEMENTATION_PLAN_TEMPLATE: LocalText(
        nb="Mal for gjennomføringsplan", en="Implementation plan template"
    ),
    DocumentKind.PARTNER_DESCRIPTION_TEMPLATE: LocalText(
        nb="Mal for partnerbeskrivelse", en="Partner description template"
    ),
    DocumentKind.CRITERIA: LocalText(nb="Kriterier", en="Criteria"),
    DocumentKind.GUIDE: LocalText(nb="Veiledning", en="Guide"),
}
ORDER = list(DocumentKind)


def _empty() -> UnprocessableContent:
    return UnprocessableContent(
        "the document is empty",
        detail_nb="dokumentet er tomt",
        slug="call-document-empty",
        errors=[{"field": "body", "rule": "not-empty", "detail": "send the file's bytes"}],
    )


async def _call(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}", detail_nb="finner ikke utlysningen")
    return call


async def upload(
    db: Database,
    storage: AttachmentStorage,
    *,
    call_id: uuid.UUID,
    kind: DocumentKind,
    filename: str,
    content_type: str,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
    uploaded_by: str,
    now: datetime,
) -> CallDocument:
    """The next version of the call's document of this kind."""
    async with db.transaction() as session:
        await _call(session, call_id)
    document_id = uuid.uuid4()
    key = f"calldoc-{call_id}-{document_id}"
    try:
        blob: StoredBlob = await storage.save(key, chunks, max_bytes=max_bytes)
    except TooLarge as exc:
        raise too_large(max_bytes, "a call document") from exc
    try:
        if blob.size_bytes == 0:
            raise _empty()
        async with db.transaction() as session:
            await _call(session, call_id)
            latest = await session.scalar(
                select(func.max(CallDocument.version)).where(
                    CallDocument.call_id == call_id, CallDocument.kind == kind.value
                )
            )
            row = CallDocument(
                id=document_id,
                call_id=call_id,
                kind=kind.value,
                version=(latest or 0) + 1,
                filename=clean_filename(filename),
                content_type=content_type,
                size_bytes=blob.size_bytes,
                sha256=blob.sha256,
                storage_key=key,
                uploaded_by=uploaded_by,
                uploaded_at=now,
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError as exc:  # another upload of this kind took the number
                raise Conflict(
                    "another version of this document was uploaded at the same time; retry",
                    detail_nb="en annen versjon ble lastet opp samtidig; prøv igjen",
                    slug="concurrent-change",
                ) from exc
    except BaseException:
        await storage.delete(key)
        raise
    return row


async def for_call(session: AsyncSession, call_id: uuid.UUID) -> list[CallDocument]:
    """Every version of every document of the call: by kind, newest version first."""
    rows = await session.scalars(
        select(CallDocument)
        .where(CallDocument.call_id == call_id)
        .order_by(CallDocument.kind, CallDocument.version.desc())
    )
    return sorted(rows.all(), key=lambda r: (ORDER.index(DocumentKind(r.kind)), -r.version))


async def one(session: AsyncSession, call_id: uuid.UUID, document_id: uuid.UUID) -> CallDocument:
    row = await session.get(CallDocument, document_id)
    if row is None or row.call_id != call_id:
        raise NotFound(f"no document {document_id}", detail_nb="finner ikke dokumentet")
    return row
