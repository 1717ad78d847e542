"""The cluster-stage sweep: proposals of a cluster that forwarded nothing by its deadline
are closed without anyone acting (Innovasjonsrammen stage 5 not taken, ADR 0013).

Every intake instance runs the loop. Each round finds, per call with a cluster stage whose
cluster deadline has passed, the clusters with open proposals and no forwarding, and closes
each cluster in its own transaction: the claim is a `cluster_priorities` row forwarding
nothing (`submitted_by` = SWEEP_ACTOR), so of two instances, and of a sweep and a late
forwarding, the primary key lets one win and the other roll back; the next round finds
nothing due. Each proposal is closed by a conditional update (still `submitted`), gets its
timeline step and one mail to its applicant, and ClusterStageLapsed tells scoring.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.calls.stages import cluster_deadline_of
from nic_intake.models import Application, Call, ClusterPriority
from nic_intake.priority.closing import NOT_FORWARDED, tell_applicant, timeline_step
from nic_intake.priority.service import SWEEP_ACTOR, proposals
from nic_shared import outbox
from nic_shared.clock import Clock, system_clock
from nic_shared.db import Database
from nic_shared.events.intake import ClusterStageLapsed
from nic_shared.waits import running_task, stop_if_cancelled

log = logging.getLogger(__name__)
SUBMITTED = ApplicationStatus.SUBMITTED.value


async def due_clusters(session: AsyncSession, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(call, cluster) pairs past the cluster's deadline with open proposals, no forwarding."""
    calls = (
        await session.scalars(
            select(Call).where(Call.proposals_max.is_not(None), Call.published_at.is_not(None))
        )
    ).all()
    past = [c.id for c in calls if not now < cluster_deadline_of(c)]
    if not past:
        return []
    forwarded = exists().where(
        ClusterPriority.call_id == Application.call_id,
        ClusterPriority.cluster_id == Application.cluster_id,
    )
    rows = await session.execute(
        select(Application.call_id, Application.cluster_id)
        .where(
            Application.call_id.in_(past),
            Application.status == SUBMITTED,
            Application.cluster_id.is_not(None),
            ~forwarded,
        )
        .distinct()
    )
    return [(call_id, cluster_id) for call_id, cluster_id in rows.all() if cluster_id]


async def close_cluster(
    session: AsyncSession, call_id: uuid.UUID, cluster_id: uuid.UUID, now: datetime
) -> list[uuid.UUID]:
    """Close the cluster's open proposals in the call; the ids this transaction closed.

    The claim row is flushed first: an instance that loses the race fails here (or at
    commit) and its transaction, with anything else it did, rolls back.
    """
    call = await session.get(Call, call_id)
    if call is None or await session.get(ClusterPriority, (call_id, cluster_id)) is not None:
        return []
    deadline = cluster_deadline_of(call)
    if now < deadline:
        return []
    claim = ClusterPriority(
        call_id=call_id,
        cluster_id=cluster_id,
        proposals=[],
        not_forwarded=[],
        submitted_by=SWEEP_ACTOR,
        submitted_at=now,
    )
    session.add(claim)
    await session.flush()
    closed = []
    for app in await proposals(session, call_id, cluster_id):
        result = await session.execute(
            update(Application)
            .where(Application.id == app.id, Application.status == SUBMITTED)
            .values(status=ApplicationStatus.CLOSED.value, stage=NOT_FORWARDED, updated_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue  # withdrawn meanwhile
        closed.append(app.id)
        session.add(timeline_step(app.id, NOT_FORWARDED, cluster_id, now, lapsed=True))
        await tell_applicant(session, call, app, now, lapsed=True)
    claim.not_forwarded = [str(a) for a in closed]
    await session.flush()
    if closed:
        await outbox.record(
            session,
            ClusterStageLapsed(
                call_id=call_id,
                cluster_id=cluster_id,
                not_forwarded=closed,
                cluster_deadline=deadline,
                lapsed_at=now,
            ),
        )
    return closed


class ClusterStageSweep:
    """Closes unforwarded clusters every `interval_s`; a failed one is tried next round."""

    def __init__(self, db: Database, clock: Callable[[], Clock], interval_s: float) -> None:
        self.db, self.clock, self.interval_s = db, clock, interval_s

    async def run_once(self) -> int:
        """Sweep every due cluster; returns how many proposals this instance closed."""
        now = self.clock()()
        async with self.db.transaction() as session:
            due = await due_clusters(session, now)
        closed = 0
        for call_id, cluster_id in due:
            try:
                async with self.db.transaction() as session:
                    done = await close_cluster(session, call_id, cluster_id, now)
                closed += len(done)
                if done:
                    log.info("call %s cluster %s: %d closed", call_id, cluster_id, len(done))
            except Exception:  # lost the claim to another instance, or the database is away
                log.warning(
                    "sweeping call %s cluster %s failed; retrying next round",
                    call_id,
                    cluster_id,
                    exc_info=True,
                )
        return closed

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                await self.run_once()
            except Exception:
                log.warning("cluster-stage sweep round failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval_s)


def cluster_stage_sweep(
    interval_s: float,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan resource running the sweep (the app's clock, so tests can move it)."""

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        sweep = ClusterStageSweep(
            app.state.db, lambda: getattr(app.state, "clock", system_clock), interval_s
        )
        async with running_task(sweep.run(), "cluster-stage-sweep"):
            yield

    return resource
