"""Innovasjonsrammen stage 4: the cluster manager marks the cluster's own proposals on the
call's four weights and gets them in priority order.

Minimal model: a proposal is the intake application id (the company's draft or submitted
application in the call) with its title and the time the cluster received it, entered by
the cluster's manager together with the marks; the title and time may be left out when
scoring already knows the application (from eligibility), so nothing is typed twice. The
forwarding itself is intake's (ClusterPrioritySubmitted): it carries these marks over to the
panel (priority/forwarding.py), and from then on they are fixed (409). One set of marks per
proposal and cluster; entering it again replaces it.
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
from nic_shared.problems import Conflict, NotFound, UnprocessableContent, register_titles

register_titles(
    {
        "cluster-priority-forwarded": (
            "Klyngen har sendt sine forslag videre",
            "The cluster has forwarded its proposals",
        )
    }
)


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
    await _not_forwarded_yet(session, call_id, cluster_id)
    try:
        validate_marks(scheme, criterion_marks(body.marks))
    except InvalidMarksError as error:
        raise invalid_marks(error, body.marks) from error
    known = await session.get(models.ScoringApplication, application_id)
    title = body.title or (known.title if known and known.call_id == call_id else None)
    received = body.received_at or (
        known.submitted_at if known and known.call_id == call_id else None
    )
    if title is None or received is None:
        missing = [n for n, v in (("title", title), ("received_at", received)) if v is None]
        raise UnprocessableContent(
            "scoring does not know this application yet: give " + " and ".join(missing),
            detail_nb="scoring kjenner ikke søknaden ennå: oppgi " + " og ".join(missing),
            errors=[
                {"pointer": f"#/{n}", "rule": "required-until-known", "detail": "missing"}
                for n in missing
            ],
        )
    row = await session.get(models.ClusterProposal, (call_id, cluster_id, application_id))
    if row is None:
        row = models.ClusterProposal(
            call_id=call_id, cluster_id=cluster_id, application_id=application_id
        )
        session.add(row)
    row.title = title
    row.received_at = received
    row.marks = stored_marks(body.marks)
    row.entered_by = principal.subject
    row.updated_at = now
    await session.flush()


async def _not_forwarded_yet(session: AsyncSession, call_id: UUID, cluster_id: UUID) -> None:
    """Once the cluster has forwarded, its marks are what the panel sees: fixed."""
    sent = await session.scalar(
        select(models.ForwardedProposal.application_id)
        .where(
            models.ForwardedProposal.call_id == call_id,
            models.ForwardedProposal.cluster_id == cluster_id,
        )
        .limit(1)
    )
    if sent is not None:
        raise Conflict(
            "the cluster has forwarded its proposals: its marks are fixed",
            detail_nb="klyngen har sendt sine forslag videre: karakterene ligger fast",
            slug="cluster-priority-forwarded",
        )


async def remove(
    session: AsyncSession, cluster_id: UUID, call_id: UUID, application_id: UUID
) -> None:
    await _not_forwarded_yet(session, call_id, cluster_id)
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
