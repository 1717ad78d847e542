"""Consortium routes: invitations (owner), accepting one (the invited organisation), partners'
confirmations and where every partner stands."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.consortium import schemas, service
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep

router = APIRouter(tags=["consortium"])
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]


@router.post(
    "/v1/applications/{application_id}/invitations",
    status_code=201,
    response_model=schemas.InvitationOut,
    summary="Invite a partner organisation named in the draft (owner); the link is e-mailed",
    responses={**ERRORS, 409: problem_doc("Already joined, or the deadline has passed")},
)
async def invite_partner(
    application_id: UUID,
    body: schemas.InvitationIn,
    session: SessionDep,
    clock: ClockDep,
    owner: Applicant,
) -> schemas.InvitationOut:
    return await service.invite(session, owner, application_id, body, clock())


@router.post(
    "/v1/invitations/accept",
    status_code=201,
    response_model=schemas.MemberOut,
    summary="Join an application with the e-mailed code (the invited organisation only)",
    responses={**ERRORS, 409: problem_doc("The invitation was already used")},
)
async def accept_invitation(
    body: schemas.AcceptIn, session: SessionDep, clock: ClockDep, partner: Applicant
) -> schemas.MemberOut:
    return await service.accept(session, partner, body, clock())


@router.post(
    "/v1/applications/{application_id}/partner-confirmation",
    response_model=schemas.PartnerStatus,
    summary="Confirm your organisation's part: participation, budget lines, de minimis headroom",
    responses={**ERRORS, 409: problem_doc("The deadline has passed")},
)
async def confirm_part(
    application_id: UUID,
    body: schemas.ConfirmationIn,
    session: SessionDep,
    clock: ClockDep,
    partner: Applicant,
) -> schemas.PartnerStatus:
    return await service.confirm(session, partner, application_id, body, clock())


@router.get(
    "/v1/applications/{application_id}/partners",
    response_model=schemas.PartnerStatusList,
    summary="Every partner: invited, joined, confirmed (or changed since)",
    responses=ERRORS,
)
async def partner_statuses(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> schemas.PartnerStatusList:
    return await service.statuses(session, principal, application_id)
