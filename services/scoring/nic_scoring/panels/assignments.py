"""Assignments: automatic (N per scorable application, balanced, never conflicted), by
hand under the same checks, and a member's late conflict declaration."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import (
    application,
    domain_members,
    is_officer,
    member_id_of,
    parties,
)
from nic_scoring.domain.assignment import (
    Assignment,
    AssignmentRefusedError,
    assign_reviewers,
    check_assignment,
)
from nic_scoring.models import ApplicationStatus
from nic_scoring.panels import schemas
from nic_scoring.panels.invalidation import audit, drop_result, set_aside
from nic_scoring.ranking import staleness
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound


async def _assignments(session: AsyncSession, panel_id: UUID) -> list[models.Assignment]:
    query = select(models.Assignment).where(models.Assignment.panel_id == panel_id)
    order = (models.Assignment.application_id, models.Assignment.member_id)
    return list((await session.scalars(query.order_by(*order))).all())


def _out(row: models.Assignment) -> schemas.AssignmentOut:
    return schemas.AssignmentOut(
        application_id=row.application_id,
        member_id=row.member_id,
        method=row.method,
        assigned_at=row.assigned_at,
    )


async def list_assignments(
    session: AsyncSession, panel: models.Panel
) -> list[schemas.AssignmentOut]:
    return [_out(a) for a in await _assignments(session, panel.id)]


def _add(
    session: AsyncSession,
    panel: models.Panel,
    a: Assignment,
    method: str,
    actor: str,
    now: datetime,
) -> models.Assignment:
    row = models.Assignment(
        application_id=a.application_id,
        member_id=a.member_id,
        panel_id=panel.id,
        method=method,
        assigned_by=actor,
        assigned_at=now,
    )
    session.add(row)
    return row


async def auto_assign(
    session: AsyncSession, panel: models.Panel, n: int | None, actor: str, now: datetime
) -> schemas.AutoAssignOut:
    """N reviewers per scorable application, balanced, never a conflicted member."""
    apps = (
        await session.scalars(
            select(models.ScoringApplication).where(
                models.ScoringApplication.call_id == panel.call_id,
                models.ScoringApplication.status == ApplicationStatus.SCORABLE,
            )
        )
    ).all()
    members = await domain_members(session, panel.id)
    existing = [
        Assignment(a.application_id, a.member_id) for a in await _assignments(session, panel.id)
    ]
    plan = assign_reviewers(
        members.values(),
        [parties(a) for a in apps],
        n or panel.reviewers_per_application,
        existing,
    )
    rows = [_add(session, panel, a, "auto", actor, now) for a in plan.assignments]
    for app_id in {a.application_id for a in plan.assignments}:
        await drop_result(session, app_id)
    await staleness.announce(session, panel.call_id, now)
    return schemas.AutoAssignOut(
        created=[_out(r) for r in rows],
        shortfalls=[
            schemas.ShortfallOut(
                application_id=s.application_id, required=s.required, assigned=s.assigned
            )
            for s in plan.shortfalls
        ],
    )


async def assign(
    session: AsyncSession,
    panel: models.Panel,
    body: schemas.AssignmentIn,
    actor: str,
    now: datetime,
) -> schemas.AssignmentOut:
    """Assign by hand under the same checks as the automatic assignment."""
    app = await _panel_application(session, panel, body.application_id, lock=True)
    members = await domain_members(session, panel.id, [body.member_id])
    member = members.get(body.member_id)
    if member is None:
        raise NotFound(f"{body.member_id} is not a member of this panel")
    existing = [
        Assignment(a.application_id, a.member_id)
        for a in await _assignments(session, panel.id)
        if a.application_id == app.id
    ]
    try:
        assignment = check_assignment(member, parties(app), existing)
    except AssignmentRefusedError as refused:
        if refused.conflicts:
            raise Conflict(
                str(refused),
                slug="reviewer-conflicted",
                detail_nb="panelmedlemmet er inhabilt for denne søknaden",
                conflicts=[{"kind": str(c.kind), "ref": c.ref} for c in refused.conflicts],
            ) from refused
        raise Conflict(str(refused), slug="already-assigned") from refused
    row = _add(session, panel, assignment, "manual", actor, now)
    await drop_result(session, app.id)
    await staleness.announce(session, app.call_id, now)
    return _out(row)


async def unassign(
    session: AsyncSession,
    panel: models.Panel,
    application_id: UUID,
    member_id: UUID,
    actor: str,
    now: datetime,
) -> None:
    """Remove one assignment: the member's access ends at once, their review is voided."""
    found = await session.get(models.Assignment, (application_id, member_id))
    if found is None or found.panel_id != panel.id:
        raise NotFound(f"{member_id} is not assigned application {application_id} on this panel")
    await application(session, application_id, lock=True)
    await set_aside(
        session,
        application_id=application_id,
        panel_id=panel.id,
        member_id=member_id,
        reason="unassigned by an officer",
        actor=actor,
        now=now,
    )


async def _panel_application(
    session: AsyncSession, panel: models.Panel, application_id: UUID, *, lock: bool = False
) -> models.ScoringApplication:
    app = await application(session, application_id, lock=lock)
    if app.call_id != panel.call_id:
        raise NotFound(f"application {application_id} is not before this panel")
    if app.status != ApplicationStatus.SCORABLE:
        raise Conflict(
            f"application {application_id} is {app.status}, not before the panel",
            slug="application-not-scorable",
        )
    return app


async def declare_conflict(
    session: AsyncSession,
    panel: models.Panel,
    principal: Principal,
    body: schemas.ConflictIn,
    now: datetime,
) -> tuple[schemas.ConflictOut, bool]:
    """Record the conflict; the assignment goes at once and the member's review is voided.

    Returns the outcome and whether it is new (a repeated declaration changes nothing).
    """
    if is_officer(principal) and body.member_id is not None:
        member_id = body.member_id
    else:
        member_id = member_id_of(principal)
    if await session.get(models.PanelMember, (panel.id, member_id)) is None:
        raise NotFound(f"{member_id} is not a member of this panel")
    app = await application(session, body.application_id, lock=True)
    if app.call_id != panel.call_id:
        raise NotFound(f"application {body.application_id} is not before this panel")
    key = (panel.id, member_id, app.id)
    existing = await session.get(models.DeclaredConflict, key)
    if existing is not None:
        out = schemas.ConflictOut(
            application_id=app.id,
            member_id=member_id,
            reason=existing.reason,
            declared_at=existing.declared_at,
            assignments_removed=0,
            reviews_invalidated=[],
            result_withdrawn=False,
        )
        return out, False
    session.add(
        models.DeclaredConflict(
            panel_id=panel.id,
            member_id=member_id,
            application_id=app.id,
            reason=body.reason,
            declared_by=principal.subject,
            declared_at=now,
        )
    )
    await audit(
        session,
        panel.id,
        app.id,
        member_id,
        "conflict_declared",
        {"reason": body.reason},
        principal.subject,
        now,
    )
    effect = await set_aside(
        session,
        application_id=app.id,
        panel_id=panel.id,
        member_id=member_id,
        reason="conflict declared",
        actor=principal.subject,
        now=now,
    )
    out = schemas.ConflictOut(
        application_id=app.id,
        member_id=member_id,
        reason=body.reason,
        declared_at=now,
        assignments_removed=effect["assignments_removed"],
        reviews_invalidated=[UUID(r) for r in effect["reviews_invalidated"]],
        result_withdrawn=effect["result_withdrawn"],
    )
    return out, True
