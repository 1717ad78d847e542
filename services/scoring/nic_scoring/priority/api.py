"""Cluster prioritisation routes: a cluster manager for their own cluster; officers read."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from nic_scoring.common import ClusterOrOfficer, Staff, is_officer
from nic_scoring.priority import panel_view, schemas, service
from nic_scoring.problem_types import SCORING_CONFLICTS
from nic_shared.auth import Principal, Role
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.problems import BadRequest, Forbidden, problem_doc

router = APIRouter(
    prefix="/v1/calls/{call_id}/cluster-proposals",
    tags=["cluster priority"],
    responses=SCORING_CONFLICTS,
)


def _own_cluster(principal: Principal, asked: UUID | None = None) -> UUID:
    """A manager works on their token's cluster only; an officer names one to read."""
    if is_officer(principal):
        if asked is None:
            raise BadRequest("name the cluster: ?cluster_id=", slug="bad-request")
        return asked
    if principal.cluster_id is None:
        raise Forbidden("the token carries no cluster claim", slug="cluster-required")
    if asked is not None and asked != principal.cluster_id:
        raise Forbidden("a cluster manager sees their own cluster only")
    return principal.cluster_id


def _manager_cluster(principal: Principal) -> UUID:
    """Only the cluster's own manager enters or removes its proposals' marks."""
    if not principal.has_role(Role.CLUSTER_MANAGER):
        raise Forbidden("only the cluster's manager marks its proposals")
    if principal.cluster_id is None:
        raise Forbidden("the token carries no cluster claim", slug="cluster-required")
    return principal.cluster_id


@router.put(
    "/{application_id}",
    status_code=204,
    summary="Enter or replace the cluster's marks for one proposal (cluster manager)",
)
async def enter_cluster_proposal(
    call_id: UUID,
    application_id: UUID,
    body: schemas.ProposalIn,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterOrOfficer,
) -> Response:
    cluster = _manager_cluster(who)
    await service.enter(session, who, cluster, call_id, application_id, body, clock())
    return Response(status_code=204)


@router.delete("/{application_id}", status_code=204, summary="Remove a proposal")
async def remove_cluster_proposal(
    call_id: UUID, application_id: UUID, session: SessionDep, who: ClusterOrOfficer
) -> Response:
    await service.remove(session, _manager_cluster(who), call_id, application_id)
    return Response(status_code=204)


@router.get(
    "",
    response_model=schemas.PriorityOut,
    summary="The cluster's proposals in priority order (the top four are forwarded)",
    description="A cluster manager reads their own cluster's list. An officer names the "
    "cluster with `cluster_id`: without it, 400 `bad-request` (a rule on the caller's role "
    "that the schema cannot state).",
    responses={400: problem_doc("An officer named no cluster (`cluster_id`)")},
)
async def cluster_priority(
    call_id: UUID,
    session: SessionDep,
    who: ClusterOrOfficer,
    cluster_id: UUID | None = None,
) -> schemas.PriorityOut:
    return await service.prioritised(session, _own_cluster(who, cluster_id), call_id)


@router.get(
    "/forwarded",
    response_model=schemas.ForwardedOut,
    summary="What each cluster forwarded, in its own order with its own marks (the panel)",
    description="Only these proposals reach the panel in a call with a cluster stage. "
    "Officers and the members of the call's panel see every cluster (a blind panel without "
    "the cluster ids); a cluster manager sees their own cluster.",
)
async def forwarded_proposals(
    call_id: UUID, session: SessionDep, who: Staff
) -> schemas.ForwardedOut:
    return await panel_view.forwarded(session, who, call_id)
