"""Who may read which submitted version, and the audit of every panel member's read (ADR 0003).

The grant follows the assignment: `reviews.service.assigned` is the one check (assigned, not
conflicted), so a removed assignment or a late conflict closes access on the next request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import application, is_officer, panel_of_call
from nic_scoring.domain.blind import redacted
from nic_scoring.panels.invalidation import audit
from nic_scoring.reads import schemas
from nic_scoring.reviews.service import assigned
from nic_shared import signed_links
from nic_shared.auth import Principal
from nic_shared.problems import NotFound


class Readable:
    """The version a caller may read, and whether identities are hidden from them."""

    def __init__(
        self, version: models.SubmittedVersion, panel_id: UUID | None, member_id: UUID | None
    ) -> None:
        self.version, self.panel_id, self.member_id = version, panel_id, member_id

    @property
    def reader_is_member(self) -> bool:
        return self.member_id is not None


async def newest_version(session: AsyncSession, application_id: UUID) -> models.SubmittedVersion:
    """The newest submitted version scoring has been told of (drafts never reach scoring)."""
    found = (
        await session.scalars(
            select(models.SubmittedVersion)
            .where(models.SubmittedVersion.application_id == application_id)
            .order_by(models.SubmittedVersion.version.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        raise NotFound(
            f"the submitted content of application {application_id} has not reached scoring",
            slug="content-not-received",
            detail_nb="søknadens innsendte innhold er ikke mottatt ennå",
        )
    return found


async def readable(
    session: AsyncSession, principal: Principal, application_id: UUID
) -> tuple[Readable, bool]:
    """The caller's readable version and whether it is blind; 404 unless officer or assigned."""
    if is_officer(principal):
        app = await application(session, application_id)
        panel = await panel_of_call(session, app.call_id)
        version = await newest_version(session, application_id)
        return Readable(version, panel.id if panel else None, None), False
    mine = await assigned(session, principal, application_id)
    version = await newest_version(session, application_id)
    return Readable(version, mine.panel.id, mine.member_id), mine.panel.blind


async def audited_read(
    session: AsyncSession,
    principal: Principal,
    found: Readable,
    application_id: UUID,
    what: dict[str, str],
    now: datetime,
) -> None:
    """A panel member's read goes into the panel's audit trail (officers' reads do not)."""
    if found.reader_is_member:
        details = {"version": found.version.version, **what}
        await audit(
            session,
            found.panel_id,
            application_id,
            found.member_id,
            "panel_read",
            details,
            principal.subject,
            now,
        )


async def read_content(
    session: AsyncSession, principal: Principal, application_id: UUID, now: datetime
) -> schemas.SubmittedContentOut:
    """The content the caller scores; a panel member's read is audited."""
    found, blind = await readable(session, principal, application_id)
    version = found.version
    await audited_read(session, principal, found, application_id, {"what": "content"}, now)
    return schemas.SubmittedContentOut(
        application_id=application_id,
        version=version.version,
        submitted_at=version.submitted_at,
        content_sha256=version.content_sha256,
        blind=blind,
        content=redacted(version.content) if blind else version.content,
    )


async def attachment_link(
    session: AsyncSession,
    principal: Principal,
    application_id: UUID,
    attachment_id: UUID,
    now: datetime,
    *,
    intake_url: str,
    secret: str,
    ttl_s: int,
) -> schemas.AttachmentLinkOut:
    """A link to one attachment of the version under review, signed for this reader only."""
    found, _blind = await readable(session, principal, application_id)
    version = found.version
    listed = {str(a["attachment_id"]) for a in version.content.get("attachments") or []}
    if str(attachment_id) not in listed:
        raise NotFound(
            f"attachment {attachment_id} is not part of version {version.version}",
            slug="attachment-not-in-version",
            detail_nb="vedlegget hører ikke til versjonen som vurderes",
        )
    expires = int(now.timestamp()) + ttl_s
    grant = signed_links.LinkGrant(
        str(application_id), version.version, str(attachment_id), principal.subject, expires
    )
    query = urlencode(
        {
            "application_id": grant.application_id,
            "version": grant.version,
            "reader": grant.reader,
            "expires": grant.expires,
            "sig": signed_links.sign(grant, secret),
        }
    )
    what = {"what": "attachment", "attachment_id": str(attachment_id)}
    await audited_read(session, principal, found, application_id, what, now)
    return schemas.AttachmentLinkOut(
        url=f"{intake_url.rstrip('/')}/v1/signed/attachments/{attachment_id}?{query}",
        expires_at=datetime.fromtimestamp(expires, tz=UTC),
    )
