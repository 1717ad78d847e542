"""Who may see and change an application. Unknown and foreign ids both answer 404."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake import problem_types  # noqa: F401  (registers the problem titles)
from nic_intake.consortium.models import EDITOR, OWNER, Member, role_on
from nic_intake.models import Application
from nic_shared.auth import Principal, Role
from nic_shared.problems import Forbidden, NotFound

SUBMITTED = "submitted"


def is_officer(principal: Principal) -> bool:
    return principal.has_role(Role.PROGRAMME_OFFICER)


def applicant_org(principal: Principal) -> str:
    """The organisation an applicant acts for, from the token's `org` claim."""
    if not principal.has_role(Role.APPLICANT):
        raise Forbidden("this needs the applicant role", detail_nb="dette krever søkerrollen")
    if not principal.org_number:
        raise Forbidden(
            "the token has no organisation (claim `org`)",
            detail_nb="tokenet mangler organisasjon (claim `org`)",
            slug="organisation-required",
        )
    return principal.org_number


def may_read(principal: Principal, app: Application) -> bool:
    if is_officer(principal):
        return True
    if principal.has_role(Role.APPLICANT) and principal.org_number == app.applicant_org_number:
        return True
    return (
        principal.has_role(Role.CLUSTER_MANAGER)
        and principal.cluster_id is not None
        and app.cluster_id == principal.cluster_id
        and app.submitted_version > 0
    )


def may_write(principal: Principal, app: Application) -> bool:
    return principal.has_role(Role.APPLICANT) and principal.org_number == app.applicant_org_number


def not_found(application_id: uuid.UUID) -> NotFound:
    return NotFound(
        f"no application {application_id}", detail_nb=f"finner ingen søknad {application_id}"
    )


async def readable(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID
) -> Application:
    app = await session.get(Application, application_id)
    if app is None:
        raise not_found(application_id)
    if not may_read(principal, app) and await role_on(session, principal, app) is None:
        raise not_found(application_id)  # a partner that accepted an invitation reads it
    return app


async def editable(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID
) -> Application:
    """The application when the caller's organisation owns it or edits it (an editor
    partner); locked on PostgreSQL. Submitting stays the owner's (`writable`)."""
    app = (
        await session.scalars(
            select(Application).where(Application.id == application_id).with_for_update()
        )
    ).one_or_none()
    if app is None or await role_on(session, principal, app) not in (OWNER, EDITOR):
        raise not_found(application_id)
    return app


async def writable(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    *,
    for_update: bool = True,
) -> Application:
    """The application when the caller's organisation owns it; locked on PostgreSQL."""
    query = select(Application).where(Application.id == application_id)
    if for_update:
        query = query.with_for_update()
    app = (await session.scalars(query)).one_or_none()
    if app is None or not may_write(principal, app):
        raise not_found(application_id)
    return app


def visible(query: Select[Application], principal: Principal) -> Select[Application]:
    """Restrict a query over applications to what the caller may see."""
    if is_officer(principal):
        return query
    if principal.has_role(Role.APPLICANT) and principal.org_number:
        joined = select(Member.application_id).where(Member.org_number == principal.org_number)
        return query.where(
            or_(
                Application.applicant_org_number == principal.org_number,
                Application.id.in_(joined),  # a partner that accepted an invitation
            )
        )
    if principal.has_role(Role.CLUSTER_MANAGER) and principal.cluster_id is not None:
        return query.where(
            Application.cluster_id == principal.cluster_id, Application.submitted_version > 0
        )
    return query.where(false())
