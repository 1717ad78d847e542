"""Withdrawal endpoint."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Response

from nic_intake.applications import service as applications
from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.applications.schemas import ApplicationOut, WithdrawIn
from nic_intake.withdrawal import service
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import etag

router = APIRouter(prefix="/v1/applications", tags=["applications"])
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]


@router.post(
    "/{application_id}/withdraw",
    response_model=ApplicationOut,
    summary="Withdraw a submitted application, with a reason",
    responses={**ERRORS, 409: problem_doc("Not submitted, already withdrawn, or recommended")},
)
async def withdraw_application(
    application_id: UUID,
    body: WithdrawIn,
    session: SessionDep,
    clock: ClockDep,
    principal: Applicant,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ApplicationOut:
    app = await service.withdraw(
        session,
        principal=principal,
        application_id=application_id,
        reason=body.reason,
        if_match=if_match,
        now=clock(),
    )
    response.headers["ETag"] = etag(app.etag_version)
    return applications.to_out(app, await applications.max_intensity(session, app.call_id))
