"""A PDF copy of each submitted version, for the applicant and the officers."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from nic_intake.access import readable
from nic_intake.applications.api import ERRORS
from nic_intake.letters import render
from nic_intake.models import Call
from nic_intake.submission import receipts
from nic_shared.auth import Principal, authenticate
from nic_shared.db import SessionDep
from nic_shared.http import Version

router = APIRouter(prefix="/v1/applications/{application_id}", tags=["submission"])
Anyone = Annotated[Principal, Depends(authenticate)]


@router.get(
    "/versions/{version}/pdf",
    summary="A PDF copy of one submitted version, with its receipt hash",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
)
async def version_pdf(
    application_id: UUID,
    version: Version,
    session: SessionDep,
    principal: Anyone,
) -> Response:
    app = await readable(session, principal, application_id)
    row = await receipts.version(session, app.id, version)
    call = await session.get(Call, app.call_id)
    assert call is not None
    pdf = render.submitted_version(
        application_id=str(app.id),
        version=row.version,
        call_code=call.code,
        content=row.content,
        content_sha256=row.content_sha256,
        submitted_at=row.submitted_at,
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="application-{app.id}-v{version}.pdf"'
        },
    )
