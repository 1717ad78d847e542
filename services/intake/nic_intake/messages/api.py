"""Requests for more information: officers ask and close, the owner answers (and uploads
files for the answer); officers and the owner read the thread."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.attachments import service as attachments
from nic_intake.attachments.schemas import AttachmentOut
from nic_intake.messages import schemas, service
from nic_intake.settings import IntakeSettings
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep

router = APIRouter(
    prefix="/v1/applications/{application_id}/info-requests", tags=["information requests"]
)
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]
CLOSED = problem_doc("The request is closed (info-request-closed)")


@router.post(
    "",
    status_code=201,
    response_model=schemas.InfoRequestOut,
    summary="Ask the applicant for more information, with a due date (officers)",
    responses={**ERRORS, 409: problem_doc("Not submitted, or withdrawn")},
)
async def request_information(
    application_id: UUID,
    body: schemas.InfoRequestIn,
    session: SessionDep,
    clock: ClockDep,
    officer: Officer,
) -> schemas.InfoRequestOut:
    return await service.request_info(session, officer, application_id, body, clock())


@router.get(
    "",
    response_model=schemas.InfoRequestList,
    summary="The requests and every answer (officers and the applicant)",
    responses=ERRORS,
)
async def list_requests(
    application_id: UUID, session: SessionDep, clock: ClockDep, principal: Anyone
) -> schemas.InfoRequestList:
    return await service.thread(session, principal, application_id, clock())


@router.post(
    "/{request_id}/answers",
    status_code=201,
    response_model=schemas.AnswerOut,
    summary="Answer a request: text, and files uploaded for it (kept, never changed)",
    responses={**ERRORS, 409: CLOSED},
)
async def answer_request(
    application_id: UUID,
    request_id: UUID,
    body: schemas.AnswerIn,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    applicant: Applicant,
) -> schemas.AnswerOut:
    settings: IntakeSettings = request.app.state.settings
    return await service.answer(
        session,
        applicant,
        application_id,
        request_id,
        body,
        clock(),
        allow_unscanned=settings.allow_unscanned_attachments,
    )


@router.post(
    "/{request_id}/close",
    response_model=schemas.InfoRequestOut,
    summary="Close a request: it takes no more answers (officers)",
    responses={**ERRORS, 409: CLOSED},
)
async def close_request(
    application_id: UUID, request_id: UUID, session: SessionDep, clock: ClockDep, officer: Officer
) -> schemas.InfoRequestOut:
    return await service.close(session, officer, application_id, request_id, clock())


@router.post(
    "/{request_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    summary="Upload a file for an answer (raw body, scanned; also after the deadline)",
    openapi_extra=attachments.UPLOAD_BODY,
    responses={
        **ERRORS,
        409: CLOSED,
        413: problem_doc("Too large"),
        415: problem_doc("Content type not allowed"),
        422: problem_doc("Malware found, or the application's attachment limits reached"),
    },
)
async def upload_answer_file(
    application_id: UUID,
    request_id: UUID,
    request: Request,
    clock: ClockDep,
    applicant: Applicant,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    content_type: attachments.ContentTypeHeader = None,
    content_length: attachments.ContentLengthHeader = None,
) -> AttachmentOut:
    settings: IntakeSettings = request.app.state.settings
    media = attachments.check_upload(settings, content_type, content_length)
    row = await attachments.upload(
        request.app.state.db,
        request.app.state.storage,
        principal=applicant,
        application_id=application_id,
        kind="answer",
        filename=filename,
        content_type=media,
        chunks=request.stream(),
        max_bytes=settings.attachment_max_bytes,
        limits=attachments.Limits(
            settings.attachment_max_count, settings.attachment_max_total_bytes
        ),
        now=clock(),
        scanner=request.app.state.scanner,
        info_request_id=request_id,
    )
    return attachments.to_out(row)
