"""Review progress per panel and per member, for the panel's chair and for officers.

Counts come from the assignments and the standing reviews: `drafted` is a saved, unsubmitted
review; `overdue` is an assignment without a submitted review once the window has closed.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import is_officer, member_id_of
from nic_scoring.domain.reviews import ReviewStatus
from nic_scoring.panels.invalidation import STANDING
from nic_shared.auth import Principal
from nic_shared.problems import NotFound


class Counts(BaseModel):
    assigned: int = 0
    drafted: int = 0
    submitted: int = 0
    overdue: int = 0


class MemberProgressOut(Counts):
    member_id: UUID
    name: str
    chair: bool


class PanelProgressOut(Counts):
    panel_id: UUID
    closes_at: datetime | None
    closed: bool
    members: list[MemberProgressOut]


async def check_chair_or_officer(
    session: AsyncSession, principal: Principal, panel: models.Panel
) -> None:
    """404 for anyone but an officer or the chair of this panel."""
    if is_officer(principal):
        return
    row = await session.get(models.PanelMember, (panel.id, member_id_of(principal)))
    if row is None or not row.chair:
        raise NotFound(f"no panel {panel.id}")


async def progress(session: AsyncSession, panel: models.Panel, now: datetime) -> PanelProgressOut:
    closed = panel.closes_at is not None and now >= panel.closes_at
    members = (
        await session.scalars(
            select(models.PanelMember)
            .where(models.PanelMember.panel_id == panel.id)
            .order_by(models.PanelMember.name, models.PanelMember.member_id)
        )
    ).all()
    out = {
        m.member_id: MemberProgressOut(member_id=m.member_id, name=m.name, chair=m.chair)
        for m in members
    }
    assigned = (
        await session.execute(
            select(models.Assignment.member_id, models.Assignment.application_id).where(
                models.Assignment.panel_id == panel.id
            )
        )
    ).all()
    statuses = {
        (r.member_id, r.application_id): r.status
        for r in (
            await session.scalars(
                select(models.ReviewRow).where(
                    models.ReviewRow.panel_id == panel.id, models.ReviewRow.status.in_(STANDING)
                )
            )
        ).all()
    }
    for member_id, application_id in assigned:
        counts = out.get(member_id)
        if counts is None:
            continue
        status = statuses.get((member_id, application_id))
        counts.assigned += 1
        if status == ReviewStatus.SUBMITTED.value:
            counts.submitted += 1
        else:
            counts.drafted += status == ReviewStatus.DRAFT.value
            counts.overdue += closed
    rows = list(out.values())
    return PanelProgressOut(
        panel_id=panel.id,
        closes_at=panel.closes_at,
        closed=closed,
        members=rows,
        assigned=sum(r.assigned for r in rows),
        drafted=sum(r.drafted for r in rows),
        submitted=sum(r.submitted for r in rows),
        overdue=sum(r.overdue for r in rows),
    )
