"""Consortium use cases: the owner invites a partner organisation by e-mail (a token-bound
link), the partner's users accept, read the application and confirm their own part; a call
requiring `partner_confirmations` refuses the submit until every partner has."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import readable, writable
from nic_intake.consortium import schemas
from nic_intake.consortium.models import (
    OWNER,
    Confirmation,
    Invitation,
    Member,
    partner_budget_sha256,
    role_on,
)
from nic_intake.models import Application, Call, MailMessage, StatusEntry
from nic_shared import mail
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound, UnprocessableContent

PART = "partner_confirmations"


def _invalid(pointer: str, rule: str, detail: str, detail_nb: str) -> UnprocessableContent:
    return UnprocessableContent(
        detail,
        detail_nb=detail_nb,
        errors=[{"pointer": pointer, "rule": rule, "detail": detail, "detail_nb": detail_nb}],
    )


def _partners(app: Application) -> list[dict[str, Any]]:
    """The draft's Norwegian partners other than the owner (foreign ones cannot log in)."""
    return [
        p
        for p in app.content.get("partners", [])
        if p.get("org_number") and p["org_number"] != app.applicant_org_number
    ]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _deadline_open(session: AsyncSession, app: Application, now: datetime) -> Call:
    call = await session.get(Call, app.call_id)
    assert call is not None
    if not now < call.deadline:
        raise Conflict(
            "the deadline has passed", detail_nb="fristen er passert", slug="deadline-passed"
        )
    return call


async def invite(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    body: schemas.InvitationIn,
    now: datetime,
) -> schemas.InvitationOut:
    app = await writable(session, principal, application_id)
    call = await _deadline_open(session, app, now)
    if body.org_number == app.applicant_org_number:
        raise _invalid(
            "#/org_number",
            "owner",
            "the owner needs no invitation",
            "eieren trenger ingen invitasjon",
        )
    if body.org_number not in {p["org_number"] for p in _partners(app)}:
        raise _invalid(
            "#/org_number",
            "not-a-partner",
            f"{body.org_number} is not among the draft's partners; add it first",
            f"{body.org_number} er ikke blant partnerne i utkastet",
        )
    member = await session.scalar(
        select(Member.id).where(
            Member.application_id == app.id, Member.org_number == body.org_number
        )
    )
    if member is not None:
        raise Conflict(f"{body.org_number} has already joined", slug="already-member")
    token = secrets.token_urlsafe(32)
    row = Invitation(
        id=uuid.uuid4(),
        application_id=app.id,
        org_number=body.org_number,
        email=str(body.email),
        role=body.role,
        token_sha256=_hash(token),
        status="pending",
        invited_by=principal.subject,
        invited_at=now,
    )
    session.add(row)
    title = app.content.get("title") or "(uten tittel)"
    await mail.enqueue(
        session,
        MailMessage,
        recipient=str(body.email),
        subject=f"Invitasjon til søknad / Invitation to an application ({call.code})",
        body=(
            f"Organisasjon {body.org_number} er invitert som partner i søknaden «{title}» "
            f"til {call.code}.\nLogg inn for organisasjonen og bekreft med denne koden:\n\n"
            f"{token}\n\nPOST /v1/invitations/accept\n\n---\n\n"
            f"Organisation {body.org_number} is invited as a partner in the application "
            f"'{title}' to {call.code}. Sign in for the organisation and accept with the code "
            f"above.\n\nKlyngeprogrammet / Norwegian Innovation Clusters\n"
        ),
        now=now,
        dedupe_key=f"invitation:{row.id}",
    )
    await session.flush()
    return _invitation_out(row)


async def accept(
    session: AsyncSession, principal: Principal, body: schemas.AcceptIn, now: datetime
) -> schemas.MemberOut:
    """Join with the e-mailed token: only for the invited organisation (404 otherwise)."""
    row = await session.scalar(
        select(Invitation).where(Invitation.token_sha256 == _hash(body.token)).with_for_update()
    )
    if row is None or row.org_number != principal.org_number:
        raise NotFound(
            "no such invitation for your organisation", detail_nb="ingen slik invitasjon"
        )
    if row.status != "pending":
        raise Conflict("this invitation was already used", slug="invitation-used")
    row.status, row.accepted_by, row.accepted_at = "accepted", principal.subject, now
    session.add(
        Member(
            application_id=row.application_id, org_number=row.org_number, role=row.role, since=now
        )
    )
    session.add(
        StatusEntry(
            application_id=row.application_id,
            kind="partner_joined",
            outcome=None,
            details={"org_number": row.org_number, "role": row.role},
            occurred_at=now,
        )
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{row.org_number} has already joined", slug="already-member") from exc
    return schemas.MemberOut(
        application_id=row.application_id, org_number=row.org_number, role=row.role
    )


async def confirm(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    body: schemas.ConfirmationIn,
    now: datetime,
) -> schemas.PartnerStatus:
    app = await readable(session, principal, application_id)
    role = await role_on(session, principal, app)
    if role is None or role == OWNER:
        raise NotFound(
            "only a partner that joined the application confirms its part",
            detail_nb="bare en partner som er med i søknaden bekrefter sin del",
        )
    await _deadline_open(session, app, now)
    if app.content.get("aid_basis") == "de_minimis" and body.de_minimis_headroom_nok is None:
        raise _invalid(
            "#/de_minimis_headroom_nok",
            "required-for-de-minimis",
            "the application is de minimis aid: declare the partner's remaining headroom",
            "søknaden gjelder bagatellmessig støtte: oppgi partnerens gjenværende ramme",
        )
    org = principal.org_number or ""
    row = await session.scalar(
        select(Confirmation).where(
            Confirmation.application_id == app.id, Confirmation.org_number == org
        )
    )
    if row is None:
        row = Confirmation(application_id=app.id, org_number=org)
        session.add(row)
    row.budget_sha256 = partner_budget_sha256(app.content, org)
    row.de_minimis_headroom_nok = body.de_minimis_headroom_nok
    row.confirmed_by, row.confirmed_at = principal.subject, now
    session.add(
        StatusEntry(
            application_id=app.id,
            kind="partner_confirmed",
            outcome=None,
            details={"org_number": org},
            occurred_at=now,
        )
    )
    await session.flush()
    [status] = [
        s for s in (await statuses(session, principal, application_id)).items if s.org_number == org
    ]
    return status


async def statuses(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID
) -> schemas.PartnerStatusList:
    app = await readable(session, principal, application_id)
    return schemas.PartnerStatusList(items=await _statuses(session, app))


async def _statuses(session: AsyncSession, app: Application) -> list[schemas.PartnerStatus]:
    members = {
        m.org_number: m.role
        for m in await session.scalars(select(Member).where(Member.application_id == app.id))
    }
    invited = {
        i.org_number: i.status
        for i in await session.scalars(
            select(Invitation)
            .where(Invitation.application_id == app.id)
            .order_by(Invitation.invited_at)
        )
    }
    confirmed = {
        c.org_number: c
        for c in await session.scalars(
            select(Confirmation).where(Confirmation.application_id == app.id)
        )
    }
    out = []
    for partner in _partners(app):
        org = partner["org_number"]
        c = confirmed.get(org)
        state = "missing"
        if c is not None:
            current = c.budget_sha256 == partner_budget_sha256(app.content, org)
            state = "confirmed" if current else "changed"
        out.append(
            schemas.PartnerStatus(
                org_number=org,
                name=partner.get("name", ""),
                role=members.get(org),
                invitation="accepted" if org in members else invited.get(org, "none"),
                confirmation=state,
                confirmed_at=c.confirmed_at if c else None,
                de_minimis_headroom_nok=c.de_minimis_headroom_nok if c else None,
            )
        )
    return out


async def confirmation_problems(session: AsyncSession, app: Application) -> list[dict[str, str]]:
    """For a call requiring `partner_confirmations`: one problem per partner not confirmed."""
    problems = []
    by_org = {s.org_number: s for s in await _statuses(session, app)}
    for index, partner in enumerate(app.content.get("partners", [])):
        status = by_org.get(partner.get("org_number") or "")
        if status is None or status.confirmation == "confirmed":
            continue
        changed = status.confirmation == "changed"
        problems.append(
            {
                "pointer": f"#/partners/{index}",
                "rule": "partner-confirmation",
                "detail": f"{status.name} ({status.org_number}) has "
                + (
                    "not confirmed its changed budget lines"
                    if changed
                    else "not confirmed its part"
                ),
                "detail_nb": f"{status.name} ({status.org_number}) har ikke bekreftet sin del"
                + (" etter endringen" if changed else ""),
            }
        )
    return problems


def _invitation_out(row: Invitation) -> schemas.InvitationOut:
    return schemas.InvitationOut(
        id=row.id,
        application_id=row.application_id,
        org_number=row.org_number,
        role=row.role,
        status="accepted" if row.status == "accepted" else "pending",
        invited_at=row.invited_at,
    )
