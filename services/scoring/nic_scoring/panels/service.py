"""Panels: one per call, its members with their affiliations, and its audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import domain_members, scheme_for
from nic_scoring.panels import schemas
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound, UnprocessableContent


async def create_panel(
    session: AsyncSession, principal: Principal, body: schemas.PanelIn, now: datetime
) -> models.Panel:
    await scheme_for(session, body.call_id)
    existing = await session.scalar(
        select(models.Panel.id).where(models.Panel.call_id == body.call_id)
    )
    if existing is not None:
        raise Conflict(
            f"call {body.call_id} already has panel {existing}",
            slug="panel-exists",
            panel_id=str(existing),
        )
    panel = models.Panel(
        id=uuid.uuid4(),
        call_id=body.call_id,
        name=body.name,
        reviewers_per_application=body.reviewers_per_application,
        blind=body.blind,
        opens_at=body.opens_at.astimezone(UTC) if body.opens_at else None,
        closes_at=body.closes_at.astimezone(UTC) if body.closes_at else None,
        reminder_days_before=body.reminder_days_before,
        created_by=principal.subject,
        created_at=now,
    )
    session.add(panel)
    await session.flush()
    return panel


async def change_settings(
    session: AsyncSession, panel: models.Panel, body: schemas.PanelSettingsIn
) -> models.Panel:
    """Apply the given settings; a window that would close before it opens is refused (422)."""
    given = body.model_dump(exclude_unset=True)
    for field in ("name", "blind"):
        if field in given and given[field] is None:
            raise UnprocessableContent(
                f"{field} cannot be null",
                slug="invalid-panel-settings",
                errors=[{"pointer": f"#/{field}", "rule": "not-null", "detail": "required"}],
            )
    opens_at = given.get("opens_at", panel.opens_at)
    closes_at = given.get("closes_at", panel.closes_at)
    try:
        schemas.window_in_order(opens_at, closes_at)
    except ValueError as error:
        raise UnprocessableContent(
            str(error),
            slug="invalid-review-window",
            detail_nb="vurderingsvinduet må slutte etter at det åpner",
            errors=[{"pointer": "#/closes_at", "rule": "after-opens-at", "detail": str(error)}],
        ) from error
    for field, value in given.items():
        setattr(panel, field, value.astimezone(UTC) if isinstance(value, datetime) else value)
    await session.flush()
    return panel


async def get_panel(session: AsyncSession, panel_id: UUID) -> models.Panel:
    panel = await session.get(models.Panel, panel_id)
    if panel is None:
        raise NotFound(f"no panel {panel_id}")
    return panel


async def panel_out(session: AsyncSession, panel: models.Panel) -> schemas.PanelOut:
    count = await session.scalar(
        select(func.count()).where(models.PanelMember.panel_id == panel.id)
    )
    return schemas.PanelOut(
        id=panel.id,
        call_id=panel.call_id,
        name=panel.name,
        reviewers_per_application=panel.reviewers_per_application,
        blind=panel.blind,
        opens_at=panel.opens_at,
        closes_at=panel.closes_at,
        reminder_days_before=panel.reminder_days_before,
        created_at=panel.created_at,
        members=int(count or 0),
    )


async def add_member(
    session: AsyncSession, panel: models.Panel, body: schemas.MemberIn, now: datetime
) -> schemas.MemberOut:
    member_id = body.member_id or uuid.uuid4()
    if await session.get(models.PanelMember, (panel.id, member_id)) is not None:
        raise Conflict(f"{member_id} is already a member of this panel", slug="member-exists")
    session.add(
        models.PanelMember(
            panel_id=panel.id,
            member_id=member_id,
            name=body.name,
            email=body.email,
            chair=body.chair,
            org_numbers=sorted(set(body.org_numbers)),
            cluster_ids=sorted({str(c) for c in body.cluster_ids}),
            added_at=now,
        )
    )
    await session.flush()
    return (await list_members(session, panel, [member_id]))[0]


async def list_members(
    session: AsyncSession, panel: models.Panel, only: list[UUID] | None = None
) -> list[schemas.MemberOut]:
    query = select(models.PanelMember).where(models.PanelMember.panel_id == panel.id)
    if only is not None:
        query = query.where(models.PanelMember.member_id.in_(only))
    rows = (await session.scalars(query.order_by(models.PanelMember.name))).all()
    members = await domain_members(session, panel.id, [r.member_id for r in rows])
    loads = dict(
        (
            await session.execute(
                select(models.Assignment.member_id, func.count())
                .where(models.Assignment.panel_id == panel.id)
                .group_by(models.Assignment.member_id)
            )
        ).all()
    )
    return [
        schemas.MemberOut(
            member_id=r.member_id,
            name=r.name,
            chair=r.chair,
            org_numbers=r.org_numbers,
            cluster_ids=[UUID(c) for c in r.cluster_ids],
            declared_conflicts=sorted(members[r.member_id].declared_conflicts, key=str),
            assignments=int(loads.get(r.member_id, 0)),
        )
        for r in rows
    ]


async def audit_trail(session: AsyncSession, panel: models.Panel) -> list[schemas.AuditOut]:
    rows = (
        await session.scalars(
            select(models.AuditEntry)
            .where(models.AuditEntry.panel_id == panel.id)
            .order_by(models.AuditEntry.id)
        )
    ).all()
    return [
        schemas.AuditOut(
            application_id=r.application_id,
            member_id=r.member_id,
            action=r.action,
            details=r.details,
            actor=r.actor,
            occurred_at=r.occurred_at,
        )
        for r in rows
    ]
