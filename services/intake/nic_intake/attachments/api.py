"""Attachment endpoints: upload the raw body (streamed), list, download."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from nic_intake.access import readable
from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.attachments import service
from nic_intake.attachments.schemas import AttachmentList, AttachmentOut
from nic_intake.attachments.storage import AttachmentStorage
from nic_intake.models import Attachment
from nic_intake.settings import IntakeSettings
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import Database, SessionDep
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1/applications/{application_id}/attachments", tags=["attachments"])
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]


@router.post(
    "",
    status_code=201,
    response_model=AttachmentOut,
    summary="Upload an attachment as the raw request body (streamed, size-limited)",
    openapi_extra=service.UPLOAD_BODY,
    responses={
        **ERRORS,
        409: problem_doc(
            "Withdrawn, the deadline has passed, or the replaced attachment is part of a "
            "submitted version"
        ),
        413: problem_doc("Too large"),
        415: problem_doc("Content type not allowed"),
        422: problem_doc("The application's attachment count or total size limit is reached"),
    },
)
async def upload_attachment(
    application_id: UUID,
    request: Request,
    clock: ClockDep,
    principal: Applicant,
    kind: Annotated[str, Query(pattern=service.KIND.pattern)],
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    content_type: service.ContentTypeHeader = None,
    content_length: service.ContentLengthHeader = None,
    replaces: Annotated[
        UUID | None,
        Query(description="An attachment this one replaces, removed in the same step"),
    ] = None,
) -> AttachmentOut:
    settings: IntakeSettings = request.app.state.settings
    media = service.check_upload(settings, content_type, content_length)
    db: Database = request.app.state.db
    row = await service.upload(
        db,
        request.app.state.storage,
        principal=principal,
        application_id=application_id,
        kind=kind,
        filename=filename,
        content_type=media,
        chunks=request.stream(),
        max_bytes=settings.attachment_max_bytes,
        limits=service.Limits(settings.attachment_max_count, settings.attachment_max_total_bytes),
        now=clock(),
        scanner=request.app.state.scanner,
        replaces=replaces,
    )
    return service.to_out(row)


@router.post(
    "/{attachment_id}/scan",
    response_model=AttachmentOut,
    summary="Scan an attachment held as unscanned again (the scanner was away)",
    responses={
        **ERRORS,
        422: problem_doc("Malware found: the bytes are removed (attachment-infected)"),
        503: problem_doc("No scanner answers now; see Retry-After"),
    },
)
async def scan_attachment(
    application_id: UUID,
    attachment_id: UUID,
    request: Request,
    clock: ClockDep,
    principal: Applicant,
) -> AttachmentOut:
    row = await service.rescan(
        request.app.state.db,
        request.app.state.storage,
        request.app.state.scanner,
        principal=principal,
        application_id=application_id,
        attachment_id=attachment_id,
        now=clock(),
    )
    return service.to_out(row)


@router.delete(
    "/{attachment_id}",
    status_code=204,
    summary="Remove an attachment that is not part of a submitted version",
    responses={
        **ERRORS,
        409: problem_doc(
            "Withdrawn, the deadline has passed, or the attachment is part of a submitted "
            "version (kept with it for good)"
        ),
    },
)
async def delete_attachment(
    application_id: UUID,
    attachment_id: UUID,
    request: Request,
    clock: ClockDep,
    principal: Applicant,
) -> Response:
    await service.delete(
        request.app.state.db,
        request.app.state.storage,
        principal=principal,
        application_id=application_id,
        attachment_id=attachment_id,
        now=clock(),
    )
    return Response(status_code=204)


@router.get("", response_model=AttachmentList, summary="The application's attachments")
async def list_attachments(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> AttachmentList:
    await readable(session, principal, application_id)
    rows = await service.for_application(session, application_id)
    return AttachmentList(items=[service.to_out(r) for r in rows])


@router.get(
    "/{attachment_id}/content",
    summary="Download an attachment",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"application/octet-stream": {}}}},
)
async def download_attachment(
    application_id: UUID, attachment_id: UUID, request: Request, principal: Anyone
) -> StreamingResponse:
    db: Database = request.app.state.db
    async with db.transaction() as session:  # closed before the bytes stream
        await readable(session, principal, application_id)
        row = await session.get(Attachment, attachment_id)
    if row is None or row.application_id != application_id:
        raise NotFound(f"no attachment {attachment_id}")
    return attachment_download(request.app.state.storage, row)


def attachment_download(
    storage: AttachmentStorage, row: Attachment, **headers: str
) -> StreamingResponse:
    """The attachment's bytes, streamed, named and never sniffed into another type."""
    if row.scan_status == "infected":  # its bytes are gone (found after it was submitted)
        raise NotFound(
            f"attachment {row.id} carried malware; its bytes were removed",
            slug="attachment-infected",
        )
    return StreamingResponse(
        storage.read(row.storage_key),
        media_type=row.content_type,
        headers={
            "Content-Length": str(row.size_bytes),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "ETag": f'"{row.sha256}"',
            "X-Content-Type-Options": "nosniff",
            **headers,
        },
    )
