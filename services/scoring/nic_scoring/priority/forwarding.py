"""Innovasjonsrammen stage 5 in scoring: only what a cluster forwarded reaches the panel.

A call whose CallPublished carries a `cluster_stage` gates its applications: an eligible
one waits (`awaiting_cluster`: not assigned, reviewed or ranked) until its cluster's
ClusterPrioritySubmitted names it; then it is `scorable`, with the cluster's rank and the
marks the cluster entered for it (`cluster_proposals`, stage 4) kept as they stood, never
typed again. One the cluster did not forward is `not_forwarded`, closed for good. The
events come on two topics in no fixed order, so whichever arrives last decides: the gate
is worked out again from what is stored (`domain.cluster_priority.gated_status`).
A cluster that forwarded nothing by its deadline is swept by intake (ClusterStageLapsed):
its proposals are stored as not forwarded and closed the same way.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import panel_of_call
from nic_scoring.domain.cluster_priority import gated_status
from nic_scoring.models import ApplicationStatus
from nic_scoring.panels.invalidation import set_aside
from nic_scoring.ranking import staleness
from nic_shared.consumer import Poison
from nic_shared.events.intake import ClusterPrioritySubmitted, ClusterStageLapsed

EVENT_ACTOR = "event"


async def has_cluster_stage(session: AsyncSession, call_id: UUID) -> bool:
    call = await session.get(models.CallScheme, call_id)
    return call is not None and call.cluster_stage is not None


async def forwarded(session: AsyncSession, application_id: UUID) -> bool | None:
    """True/False once its cluster forwarded (it or others); None before."""
    row = await session.get(models.ForwardedProposal, application_id)
    return None if row is None else row.forwarded


async def gate(session: AsyncSession, call_id: UUID, application_id: UUID, status: str) -> str:
    """The status an application gets when eligibility alone would make it ``status``."""
    return gated_status(
        status,
        cluster_stage=await has_cluster_stage(session, call_id),
        forwarded=await forwarded(session, application_id),
    )


async def settle(
    session: AsyncSession, app: models.ScoringApplication, status: str, reason: str, at: datetime
) -> None:
    """Give ``app`` its status; work on one that stops being scorable is set aside."""
    was_scorable = app.status == ApplicationStatus.SCORABLE
    app.status = status
    app.updated_at = at
    await session.flush()
    if was_scorable and status != ApplicationStatus.SCORABLE:
        panel = await panel_of_call(session, app.call_id)
        await set_aside(
            session,
            application_id=app.id,
            panel_id=panel.id if panel else None,
            member_id=None,
            reason=reason,
            actor=EVENT_ACTOR,
            now=at,
        )


async def regate_call(session: AsyncSession, call_id: UUID, at: datetime) -> None:
    """Work the gate out again for every application of the call (its stage arrived)."""
    apps = (
        await session.scalars(
            select(models.ScoringApplication).where(models.ScoringApplication.call_id == call_id)
        )
    ).all()
    for app in apps:
        status = await gate(session, app.call_id, app.id, app.status)
        if status != app.status:
            await settle(session, app, status, "its cluster has not forwarded it", at)


def _same(stored: list[models.ForwardedProposal], payload: ClusterPrioritySubmitted) -> bool:
    ranks = {r.application_id: r.cluster_rank for r in stored if r.forwarded}
    closed = {r.application_id for r in stored if not r.forwarded}
    return ranks == {p.application_id: p.rank for p in payload.proposals} and closed == set(
        payload.not_forwarded
    )


async def record_forwarding(session: AsyncSession, payload: ClusterPrioritySubmitted) -> None:
    """Keep the cluster's list with its marks; open the forwarded, close the others."""
    stored = list(
        (
            await session.scalars(
                select(models.ForwardedProposal).where(
                    models.ForwardedProposal.call_id == payload.call_id,
                    models.ForwardedProposal.cluster_id == payload.cluster_id,
                )
            )
        ).all()
    )
    if stored:
        if _same(stored, payload):
            return  # the same forwarding again
        raise Poison(f"cluster {payload.cluster_id} already forwarded another list")
    named: list[tuple[UUID, int | None]] = [(p.application_id, p.rank) for p in payload.proposals]
    named += [(a, None) for a in payload.not_forwarded]
    for application_id, rank in named:
        taken = await session.get(models.ForwardedProposal, application_id)
        if taken is not None:
            raise Poison(f"proposal {application_id} was already forwarded or closed")
        marks = await session.get(
            models.ClusterProposal, (payload.call_id, payload.cluster_id, application_id)
        )
        session.add(
            models.ForwardedProposal(
                application_id=application_id,
                call_id=payload.call_id,
                cluster_id=payload.cluster_id,
                forwarded=rank is not None,
                cluster_rank=rank,
                marks=dict(marks.marks) if marks is not None and rank is not None else {},
                forwarded_at=payload.submitted_at,
            )
        )
    await session.flush()
    await _regate(
        session,
        payload.call_id,
        [a for a, _rank in named],
        "its cluster did not forward it",
        payload.submitted_at,
    )


async def record_lapse(session: AsyncSession, payload: ClusterStageLapsed) -> None:
    """Close the proposals intake's sweep closed; again is a no-op, a forwarded one poison.

    Each is stored as not forwarded, so an assessment arriving later gates it closed too.
    """
    for application_id in payload.not_forwarded:
        taken = await session.get(models.ForwardedProposal, application_id)
        if taken is not None:
            if taken.forwarded:
                raise Poison(f"proposal {application_id} was forwarded; it cannot lapse")
            continue  # closed already (this event again)
        session.add(
            models.ForwardedProposal(
                application_id=application_id,
                call_id=payload.call_id,
                cluster_id=payload.cluster_id,
                forwarded=False,
                cluster_rank=None,
                marks={},
                forwarded_at=payload.lapsed_at,
            )
        )
    await session.flush()
    await _regate(
        session,
        payload.call_id,
        list(payload.not_forwarded),
        "its cluster forwarded nothing in time",
        payload.lapsed_at,
    )


async def _regate(
    session: AsyncSession, call_id: UUID, ids: list[UUID], reason: str, at: datetime
) -> None:
    """Each named application already assessed gets the status its cluster's answer gives
    it; one not assessed yet is gated when its assessment arrives."""
    for application_id in ids:
        app = await session.get(models.ScoringApplication, application_id, with_for_update=True)
        if app is None:
            continue
        status = await gate(session, app.call_id, app.id, app.status)
        if status != app.status:
            await settle(session, app, status, reason, at)
    await staleness.announce(session, call_id, at)
