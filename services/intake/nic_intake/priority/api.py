"""Cluster prioritisation endpoints (cluster managers, bound to a cluster by the token)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.applications.service import to_item
from nic_intake.priority import service
from nic_intake.priority.schemas import PriorityIn, PriorityOut, ProposalList, RankedProposal
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep

router = APIRouter(prefix="/v1/calls/{call_id}/cluster-priority", tags=["cluster priority"])
Manager = Annotated[Principal, Depends(require(Role.CLUSTER_MANAGER))]


@router.get(
    "/proposals",
    response_model=ProposalList,
    summary="Proposals sent to the caller's cluster in this call",
    responses=ERRORS,
)
async def cluster_proposals(call_id: UUID, session: SessionDep, manager: Manager) -> ProposalList:
    cluster_id = service.cluster_of(manager)
    await service.two_stage_call(session, call_id)
    apps = await service.proposals(session, call_id, cluster_id)
    return ProposalList(items=[to_item(a) for a in apps])


@router.post(
    "",
    status_code=201,
    response_model=PriorityOut,
    summary="Rank and forward 2-4 proposals to the programme",
    responses={
        **ERRORS,
        409: problem_doc("Already sent, or the call has no cluster stage"),
        422: problem_doc("Too few, too many, or a proposal ranked twice"),
    },
)
async def forward_priority(
    call_id: UUID, body: PriorityIn, session: SessionDep, clock: ClockDep, manager: Manager
) -> PriorityOut:
    row = await service.forward(
        session, principal=manager, call_id=call_id, ranked=body.ranked, now=clock()
    )
    return PriorityOut(
        call_id=row.call_id,
        cluster_id=row.cluster_id,
        proposals=[RankedProposal.model_validate(p) for p in row.proposals],
        submitted_at=row.submitted_at,
    )
