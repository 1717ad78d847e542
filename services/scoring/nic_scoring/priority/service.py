"""Innovasjonsrammen stage 4: the cluster manager marks the cluster's own proposals on the
call's four weights and gets them in priority order.

Minimal model: a proposal is the intake application id (the company's draft or submitted
application in the call) with its title and the time the cluster received it, entered by
the cluster's manager together with the marks. Scoring does not fetch it from intake: the
cluster's own ranking needs nothing else, and the forwarding itself stays in intake
(ClusterPrioritySubmitted). One set of marks per proposal and cluster; entering it again
replaces it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import (
    criterion_marks,
    decimal_marks,
    invalid_marks,
    marks_out,
    scheme_for,
    stored_marks,
)
from nic_scoring.domain.cluster_priority import (
    MAX_PROPOSALS,
    MIN_PROPOSALS,
    ClusterProposal,
    prioritise_proposals,
)
from nic_scoring.domain.marks import InvalidMarksError, as_criterion_marks, validate_marks
from nic_scoring.priority import schemas
from nic_shared.auth import Principal
from nic_shared.events.specs import Scheme, ScoringSchemeSpec
from nic_shared.problems import Conflict, NotFound


async def _scheme(session: AsyncSession, call_id: UUID) -> ScoringSchemeSpec:
    call, scheme = await scheme_for(session, call_id)
    if call.scheme != Scheme.INNOVASJONSRAMMEN.value:
        raise Conflict(f"call {call_id} is a {call.scheme} call", slug="not-innovasjonsrammen")
    return scheme


async def enter(
    session: AsyncSession,
    principal: Principal,
    cluster_id: UUID,
    call_id: UUID,
    application_id: UUID,
    body: schemas.ProposalIn,
    now: datetime,
) -> None:
    scheme = await _scheme(session, call_id)
    try:
        validate_marks(scheme, criterion_marks(body.marks))
    except InvalidMarksError as error:
        raise invalid_marks(error, body.marks) from error
    row = await session.get(models.ClusterProposal, (call_id, cluster_id, application_id))
    if row is None:
        row = models.ClusterProposal(
            call_id=call_id, cluster_id=cluster_id, application_id=application_id
        )
        session.add(row)
    row.title = body.title
    row.received_at = body.received_at
    row.marks = stored_marks(body.marks)
    row.entered_by = principal.subject
    row.updated_at = now
    await session.flush()


async def remove(
    session: AsyncSession, cluster_id: UUID, call_id: UUID, application_id: UUID
) -> None:
    row = await session.get(models.ClusterProposal, (call_id, cluster_id, application_id))
    if row is None:
        raise NotFound(f"no proposal {application_id} for this cluster")
    await session.delete(row)


async def prioritised(
    session: AsyncSession, cluster_id: UUID, call_id: UUID
) -> schemas.PriorityOut:
    scheme = await _scheme(session, call_id)
    rows = (
        await session.scalars(
            select(models.ClusterProposal).where(
                models.ClusterProposal.call_id == call_id,
                models.ClusterProposal.cluster_id == cluster_id,
            )
        )
    ).all()
    by_id = {r.application_id: r for r in rows}
    order = prioritise_proposals(
        scheme,
        [
            ClusterProposal(
                r.application_id,
                r.received_at,
                as_criterion_marks(scheme, decimal_marks(r.marks)),
            )
            for r in rows
        ],
    )
    return schemas.PriorityOut(
        call_id=call_id,
        cluster_id=cluster_id,
        proposals=[
            schemas.ProposalOut(
                priority=p.priority,
                application_id=p.proposal_id,
                title=by_id[p.proposal_id].title,
                weighted_total=p.weighted_total,
                received_at=p.submitted_at,
                marks=marks_out(scheme, by_id[p.proposal_id].marks),
                forward=p.priority <= MAX_PROPOSALS,
            )
            for p in order
        ],
        enough_to_forward=len(order) >= MIN_PROPOSALS,
    )
