"""The signed attachment route: bytes for a panel member holding a link scoring signed (ADR 0003).

No bearer token: the grant is in the query string. Intake checks the signature, the expiry
and that the attachment belongs to that submitted version of that application; any failure
is 404 naming the rule, so a guessed or altered link learns nothing about what exists.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from nic_intake.applications.api import ERRORS
from nic_intake.attachments.api import attachment_download
from nic_intake.models import ApplicationVersion, Attachment
from nic_intake.settings import IntakeSettings
from nic_shared import signed_links
from nic_shared.clock import ClockDep
from nic_shared.db import Database
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1/signed", tags=["attachments"])


def _refused(rule: str) -> NotFound:
    return NotFound(
        f"the attachment link is not valid ({rule})",
        slug="attachment-link-invalid",
        detail_nb="vedleggslenken er ikke gyldig",
        rule=rule,
    )


@router.get(
    "/attachments/{attachment_id}",
    summary="Download an attachment through a signed, expiring link issued by scoring",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"application/octet-stream": {}}}},
    openapi_extra={"security": []},
)
async def download_signed_attachment(
    attachment_id: UUID,
    request: Request,
    clock: ClockDep,
    application_id: Annotated[UUID, Query()],
    version: Annotated[int, Query(ge=1, le=1_000_000)],
    reader: Annotated[str, Query(min_length=1, max_length=200)],
    expires: Annotated[int, Query(ge=0, le=2**40)],
    sig: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")],
) -> StreamingResponse:
    settings: IntakeSettings = request.app.state.settings
    grant = signed_links.LinkGrant(
        str(application_id), version, str(attachment_id), reader, expires
    )
    try:
        signed_links.verify(grant, sig, settings.attachment_link_secret, now=clock())
    except signed_links.InvalidLink as error:
        raise _refused(error.rule) from error
    db: Database = request.app.state.db
    async with db.transaction() as session:  # closed before the bytes stream
        row = await session.get(Attachment, attachment_id)
        submitted = await session.get(ApplicationVersion, (application_id, version))
    listed = {
        str(a.get("attachment_id"))
        for a in (submitted.content if submitted else {}).get("attachments", [])
    }
    if row is None or row.application_id != application_id or str(attachment_id) not in listed:
        raise _refused("attachment-not-in-version")
    return attachment_download(request.app.state.storage, row, **{"Cache-Control": "no-store"})
