"""Submission, receipts and submitted versions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import readable
from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.models import Call
from nic_intake.submission import receipts
from nic_intake.submission.commit import GroupCommit
from nic_intake.submission.limits import SubmitLimits
from nic_intake.submission.rows import Remembered, SubmitRequest, request_trace
from nic_intake.submission.schemas import (
    ReceiptOut,
    SubmitIn,
    VersionList,
    VersionOut,
    VersionSummary,
)
from nic_shared import tracing
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import Version
from nic_shared.idempotency import (
    REQUIRED_KEY,
    RequiredKeyHeader,
    StoredResponse,
    check_key,
    replay,
)
from nic_shared.problems import BadRequest

router = APIRouter(prefix="/v1/applications/{application_id}", tags=["submission"])
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]


@router.post(
    "/submit",
    status_code=201,
    response_model=ReceiptOut,
    summary="Submit before the deadline; needs an Idempotency-Key; returns the receipt",
    openapi_extra=REQUIRED_KEY,
    responses={
        **ERRORS,
        400: problem_doc("Idempotency-Key missing or malformed"),
        409: problem_doc("Deadline passed, call not open, withdrawn, or key reused"),
        412: problem_doc("The draft changed since the given etag"),
        422: problem_doc("Incomplete: every missing or invalid part, with a pointer each"),
        429: problem_doc(
            "Submitted too often in the last hour (submissions_per_application_per_hour); "
            "retry after Retry-After"
        ),
    },
)
async def submit_application(
    application_id: UUID,
    body: SubmitIn,
    clock: ClockDep,
    principal: Applicant,
    request: Request,
    response: Response,
    idempotency_key: RequiredKeyHeader = None,
) -> ReceiptOut | Response:
    """No transaction of its own: decided and written with the other submissions waiting
    (`commit.GroupCommit`), answered after their commit. Why: ADR 0012."""
    now = clock()  # the time of receipt, read once
    if idempotency_key is None:
        raise BadRequest(
            "send an Idempotency-Key header with a submission",
            detail_nb="send en Idempotency-Key-header med innsendingen",
            slug="idempotency-key-required",
        )
    check_key(idempotency_key)
    answer = await writer(request).submit(
        SubmitRequest(
            principal=principal,
            application_id=application_id,
            body=body,
            now=now,
            limits=SubmitLimits.of(request.app.state.settings),
            remembered=Remembered.of(
                f"submit:{principal.org_number or principal.subject}",
                idempotency_key,
                application_id,
                body.model_dump(mode="json"),
            ),
            traceparent=request_trace(),
        )
    )
    if isinstance(answer, StoredResponse):
        return replay(answer)
    tracing.event_created(answer.created, str(answer.event["topic"]))
    response.headers["Location"] = answer.location
    return answer.receipt


def writer(request: Request) -> GroupCommit:
    """The app's group-commit writer, made on first use."""
    state = request.app.state
    found: GroupCommit | None = getattr(state, "submit_writer", None)
    if found is None:
        found = GroupCommit(state.db, state.tables)
        state.submit_writer = found
    return found


@router.get("/receipt", response_model=ReceiptOut, summary="The latest receipt", responses=ERRORS)
async def latest_receipt(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> ReceiptOut:
    return await _receipt(session, principal, application_id, None)


@router.get(
    "/receipts/{version}",
    response_model=ReceiptOut,
    summary="A version's receipt",
    responses=ERRORS,
)
async def get_receipt(
    application_id: UUID, version: Version, session: SessionDep, principal: Anyone
) -> ReceiptOut:
    return await _receipt(session, principal, application_id, version)


async def _receipt(
    session: AsyncSession, principal: Principal, application_id: UUID, version: int | None
) -> ReceiptOut:
    app = await readable(session, principal, application_id)
    row = await receipts.version(session, app.id, version)
    call = await session.get(Call, app.call_id)
    assert call is not None
    return receipts.receipt_out(row, call)


@router.get("/versions", response_model=VersionList, summary="Submitted versions", responses=ERRORS)
async def list_versions(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> VersionList:
    app = await readable(session, principal, application_id)
    rows = await receipts.versions(session, app.id)
    return VersionList(
        items=[
            VersionSummary(
                version=r.version, submitted_at=r.submitted_at, content_sha256=r.content_sha256
            )
            for r in rows
        ]
    )


@router.get(
    "/versions/{version}",
    response_model=VersionOut,
    summary="One submitted version",
    responses=ERRORS,
)
async def get_version(
    application_id: UUID, version: Version, session: SessionDep, principal: Anyone
) -> VersionOut:
    app = await readable(session, principal, application_id)
    row = await receipts.version(session, app.id, version)
    call = await session.get(Call, app.call_id)
    assert call is not None
    return VersionOut(
        version=row.version, content=row.content, receipt=receipts.receipt_out(row, call)
    )
