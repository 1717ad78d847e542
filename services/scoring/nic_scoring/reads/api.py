"""Read routes: the submitted content an assigned panel member scores, and attachment links."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from nic_scoring.common import PanelOrOfficer
from nic_scoring.problem_types import SCORING_CONFLICTS
from nic_scoring.reads import schemas, service
from nic_scoring.settings import ScoringSettings
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep

router = APIRouter(prefix="/v1", tags=["reviews"], responses=SCORING_CONFLICTS)


@router.get(
    "/applications/{application_id}/content",
    response_model=schemas.SubmittedContentOut,
    summary="The submitted version under review: content, budget, partners, attachments",
)
async def get_submitted_content(
    application_id: UUID, session: SessionDep, clock: ClockDep, who: PanelOrOfficer
) -> schemas.SubmittedContentOut:
    return await service.read_content(session, who, application_id, clock())


@router.post(
    "/applications/{application_id}/attachments/{attachment_id}/link",
    response_model=schemas.AttachmentLinkOut,
    summary="A short-lived signed link to one attachment of the version under review",
)
async def link_attachment(
    application_id: UUID,
    attachment_id: UUID,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    who: PanelOrOfficer,
) -> schemas.AttachmentLinkOut:
    settings: ScoringSettings = request.app.state.settings
    return await service.attachment_link(
        session,
        who,
        application_id,
        attachment_id,
        clock(),
        intake_url=settings.intake_public_url,
        secret=settings.attachment_link_secret,
        ttl_s=settings.attachment_link_ttl_s,
    )
