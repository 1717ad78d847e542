"""Draft endpoints: thin; the service does the work, the request commits."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from nic_intake.access import readable
from nic_intake.applications import service
from nic_intake.applications.guidance import ask_eligibility, dry_run_body, with_completeness
from nic_intake.applications.schemas import (
    ApplicationCreate,
    ApplicationOut,
    DraftContent,
    EligibilityDryRun,
)
from nic_shared import idempotency, problems
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import Database, SessionDep
from nic_shared.http import etag
from nic_shared.idempotency import replay

router = APIRouter(prefix="/v1/applications", tags=["applications"])
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]


def problem_doc(description: str) -> dict[str, object]:
    return {"description": description, "content": {problems.MEDIA_TYPE: {}}}


ERRORS: dict[int | str, dict[str, object]] = {
    401: problem_doc("No valid token"),
    403: problem_doc("Not allowed for this role"),
    404: problem_doc("No such application, or not yours"),
    422: problem_doc("Invalid body"),
}


@router.post(
    "",
    status_code=201,
    response_model=ApplicationOut,
    summary="Create a draft for an open call (the organisation comes from the token)",
    responses={
        **ERRORS,
        **idempotency.RESPONSES,
        409: problem_doc("The call does not take applications now, or the key was reused"),
    },
)
async def create_application(
    body: ApplicationCreate,
    session: SessionDep,
    clock: ClockDep,
    principal: Applicant,
    response: Response,
    idempotency_key: idempotency.KeyHeader = None,
) -> ApplicationOut | Response:
    scope = f"{principal.subject}:create-application"
    body_hash = idempotency.request_hash(body.model_dump(mode="json"))
    if idempotency_key is not None:
        stored = await idempotency.lookup(
            session, scope=scope, key=idempotency_key, body_hash=body_hash
        )
        if stored is not None:
            return replay(stored)
    app = await service.create(session, principal=principal, body=body, now=clock())
    out = service.to_out(app, await service.max_intensity(session, app.call_id))
    headers = {"Location": f"/v1/applications/{app.id}", "ETag": etag(app.etag_version)}
    response.headers.update(headers)
    if idempotency_key is not None:
        await idempotency.remember(
            session,
            scope=scope,
            key=idempotency_key,
            body_hash=body_hash,
            status_code=201,
            body=out.model_dump(mode="json"),
            headers=headers,
        )
    return out


@router.get(
    "/{application_id}", response_model=ApplicationOut, summary="One application", responses=ERRORS
)
async def get_application(
    application_id: UUID,
    principal: Anyone,
    request: Request,
    response: Response,
    include: Annotated[
        Literal["eligibility"] | None,
        Query(description="eligibility: add eligibility's dry run of the draft as it stands"),
    ] = None,
) -> ApplicationOut:
    db: Database = request.app.state.db
    async with db.transaction() as session:  # closed before eligibility is asked
        app = await readable(session, principal, application_id)
        out = service.to_out(app, await service.max_intensity(session, app.call_id))
        out = await with_completeness(
            session,
            app,
            out,
            allow_unscanned=request.app.state.settings.allow_unscanned_attachments,
        )
        report = out.completeness
        ask = include == "eligibility" and report is not None
        body = await dry_run_body(session, app) if report and report.complete and ask else None
    response.headers["ETag"] = etag(app.etag_version)
    if ask:
        run = (
            EligibilityDryRun(status="incomplete")
            if body is None
            else await ask_eligibility(
                request.app.state.settings, body, request.headers.get("authorization", "")
            )
        )
        out = out.model_copy(update={"eligibility": run})
    return out


@router.put(
    "/{application_id}/content",
    response_model=ApplicationOut,
    summary="Replace the draft's content (needs If-Match)",
    responses={
        **ERRORS,
        409: problem_doc("Withdrawn, or the deadline has passed"),
        412: problem_doc("Stale If-Match"),
        428: problem_doc("If-Match missing"),
    },
)
async def put_content(
    application_id: UUID,
    content: DraftContent,
    session: SessionDep,
    clock: ClockDep,
    principal: Applicant,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ApplicationOut:
    app = await service.replace_content(
        session,
        principal=principal,
        application_id=application_id,
        content=content,
        if_match=if_match,
        now=clock(),
    )
    response.headers["ETag"] = etag(app.etag_version)
    out = service.to_out(app, await service.max_intensity(session, app.call_id))
    return await with_completeness(
        session, app, out, allow_unscanned=request.app.state.settings.allow_unscanned_attachments
    )
