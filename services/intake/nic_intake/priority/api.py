"""Cluster prioritisation endpoints (cluster managers, bound to a cluster by the token)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.applications.service import to_item
from nic_intake.calls.stages import cluster_deadline_of
from nic_intake.models import ClusterPriority
from nic_intake.priority import service
from nic_intake.priority.schemas import PriorityIn, PriorityOut, ProposalList, RankedProposal
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1/calls/{call_id}/cluster-priority", tags=["cluster priority"])
Manager = Annotated[Principal, Depends(require(Role.CLUSTER_MANAGER))]


def _out(row: ClusterPriority, cluster_deadline_at: datetime) -> PriorityOut:
    return PriorityOut(
        call_id=row.call_id,
        cluster_id=row.cluster_id,
        proposals=[RankedProposal.model_validate(p) for p in row.proposals],
        not_forwarded=[UUID(a) for a in row.not_forwarded],
        cluster_deadline=cluster_deadline_at,
        submitted_at=row.submitted_at,
        lapsed=row.submitted_by == service.SWEEP_ACTOR,
    )


@router.get(
    "/proposals",
    response_model=ProposalList,
    summary="Proposals sent to the caller's cluster in this call",
    responses=ERRORS,
)
async def cluster_proposals(call_id: UUID, session: SessionDep, manager: Manager) -> ProposalList:
    cluster_id = service.cluster_of(manager)
    call = await service.two_stage_call(session, call_id)
    apps = await service.proposals(session, call_id, cluster_id)
    return ProposalList(
        items=[to_item(a) for a in apps], cluster_deadline=cluster_deadline_of(call)
    )


@router.get(
    "",
    response_model=PriorityOut,
    summary="What the caller's cluster forwarded in this call",
    responses=ERRORS,
)
async def forwarded_priority(call_id: UUID, session: SessionDep, manager: Manager) -> PriorityOut:
    cluster_id = service.cluster_of(manager)
    call = await service.two_stage_call(session, call_id)
    row = await service.stored(session, call.id, cluster_id)
    if row is None:
        raise NotFound("the cluster has not forwarded anything in this call yet")
    return _out(row, cluster_deadline_of(call))


@router.post(
    "",
    status_code=201,
    response_model=PriorityOut,
    summary="Rank and forward 2-4 proposals to the programme; the others are closed",
    description="Open from the call's deadline until the cluster's deadline "
    "(`cluster_stage.deadline` on the call). The same list again answers 200 with what was "
    "stored; another list is 409. Every refusal changes nothing.",
    responses={
        **ERRORS,
        200: {"description": "The same list again: what was stored", "model": PriorityOut},
        409: problem_doc(
            "Another list already sent, outside the cluster stage, or no cluster stage"
        ),
        422: problem_doc("Too few, too many, ranked twice, or not the cluster's proposal"),
    },
)
async def forward_priority(
    call_id: UUID,
    body: PriorityIn,
    session: SessionDep,
    clock: ClockDep,
    manager: Manager,
    response: Response,
) -> PriorityOut:
    row, created = await service.forward(
        session, principal=manager, call_id=call_id, body=body, now=clock()
    )
    if not created:
        response.status_code = 200
    call = await service.two_stage_call(session, call_id)
    return _out(row, cluster_deadline_of(call))
