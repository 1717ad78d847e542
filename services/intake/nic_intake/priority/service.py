"""A cluster manager sees the proposals sent to their cluster and forwards a ranked 2-4."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.domain.priority import (
    DuplicateProposal,
    PriorityRefusedError,
    ProposalLimits,
    ProposalNotSentToCluster,
    TooFewProposals,
    TooManyProposals,
    UnknownProposal,
    priority_submitted,
)
from nic_intake.models import Application, Call, ClusterPriority
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, Forbidden, NotFound, Problem, UnprocessableContent


def cluster_of(principal: Principal) -> uuid.UUID:
    if principal.cluster_id is None:
        raise Forbidden(
            "the token has no cluster (claim `cluster`)",
            detail_nb="tokenet mangler klynge (claim `cluster`)",
            slug="cluster-required",
        )
    return principal.cluster_id


async def two_stage_call(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await session.get(Call, call_id)
    if call is None or call.published_at is None:
        raise NotFound(f"no call {call_id}")
    if call.proposals_max is None:
        raise Conflict(
            f"call {call.code} has no cluster prioritisation",
            detail_nb=f"utlysningen {call.code} har ikke klyngeprioritering",
            slug="not-two-stage",
        )
    return call


async def proposals(
    session: AsyncSession, call_id: uuid.UUID, cluster_id: uuid.UUID | None = None
) -> list[Application]:
    """Submitted, not withdrawn proposals of a call (sent to one cluster when given)."""
    query = (
        select(Application)
        .where(
            Application.call_id == call_id,
            Application.status == ApplicationStatus.SUBMITTED.value,
        )
        .order_by(Application.submitted_at, Application.id)
    )
    if cluster_id is not None:
        query = query.where(Application.cluster_id == cluster_id)
    return list((await session.scalars(query)).all())


def _refusal(exc: PriorityRefusedError, limits: ProposalLimits) -> Problem:
    if isinstance(exc, UnknownProposal | ProposalNotSentToCluster):
        # an id of a proposal the cluster may not know of answers as if it did not exist
        return NotFound(str(exc).replace(" was not sent to", " is not known to"))
    slug = "priority-duplicate" if isinstance(exc, DuplicateProposal) else "priority-count"
    nb = {
        TooFewProposals: f"en klynge sender minst {limits.minimum} forslag",
        TooManyProposals: f"en klynge sender høyst {limits.maximum} forslag",
    }.get(type(exc), "et forslag er rangert mer enn én gang")
    return UnprocessableContent(
        str(exc),
        detail_nb=nb,
        slug=slug,
        minimum=limits.minimum,
        maximum=limits.maximum,
        errors=[{"pointer": "#/ranked", "rule": slug, "detail": str(exc)}],
    )


async def forward(
    session: AsyncSession,
    *,
    principal: Principal,
    call_id: uuid.UUID,
    ranked: list[uuid.UUID],
    now: datetime,
) -> ClusterPriority:
    cluster_id = cluster_of(principal)
    call = await two_stage_call(session, call_id)
    limits = ProposalLimits(minimum=call.proposals_min or 1, maximum=call.proposals_max or 1)
    sent_to = {a.id: a.cluster_id for a in await proposals(session, call_id)}
    try:
        event = priority_submitted(call.id, cluster_id, ranked, sent_to, limits, now)
    except PriorityRefusedError as exc:
        raise _refusal(exc, limits) from exc
    row = ClusterPriority(
        call_id=call.id,
        cluster_id=cluster_id,
        proposals=[p.model_dump(mode="json") for p in event.proposals],
        submitted_by=principal.subject,
        submitted_at=now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "this cluster has already sent its priority list for the call",
            detail_nb="klyngen har allerede sendt sin prioritering for utlysningen",
            slug="priority-already-submitted",
        ) from exc
    await outbox.record(session, event)
    return row
