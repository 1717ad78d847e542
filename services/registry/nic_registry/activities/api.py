"""Activity endpoints: a cluster manager logs their own cluster's activities; officers any."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from nic_registry.access import ClusterWriter, Reader, ensure_cluster
from nic_registry.activities import service
from nic_registry.activities.schemas import ActivityCreate, ActivityOut, ActivityPage
from nic_registry.clusters.service import exists
from nic_registry.paging import Cursor, Limit, after, next_cursor
from nic_shared import problems
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent

router = APIRouter(prefix="/v1/clusters/{cluster_id}/activities", tags=["activities"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role (applicants never write)", **_P},
    404: {"description": "No such cluster, or not the caller's cluster", **_P},
    422: {"description": "Invalid body, naming the field", **_P},
}


@router.post(
    "",
    status_code=201,
    response_model=ActivityOut,
    summary="Register an activity",
    responses={**ERRORS, **IDEMPOTENT_RESPONSES},
)
async def register_activity(
    cluster_id: UUID,
    body: ActivityCreate,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    response: Response,
    once: Idempotent,
) -> ActivityOut | Response:
    ensure_cluster(who, cluster_id, write=True)

    async def work() -> ActivityOut:
        await exists(session, cluster_id)
        row = await service.create(session, cluster_id, body, clock())
        response.headers["Location"] = f"/v1/clusters/{cluster_id}/activities/{row.id}"
        return service.to_out(row)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get("", summary="The activity log, oldest first", responses=ERRORS)
async def list_activities(
    cluster_id: UUID,
    session: SessionDep,
    who: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ActivityPage:
    ensure_cluster(who, cluster_id, write=False)
    await exists(session, cluster_id)
    rows = await service.page(
        session, cluster_id, first=date_from, last=date_to, limit=limit, after=after(cursor, 2)
    )
    last = rows[-1] if rows else None
    return ActivityPage(
        items=[service.to_out(r) for r in rows],
        next_cursor=next_cursor(
            rows,
            limit,
            last.activity_date.isoformat() if last else "",
            str(last.id) if last else "",
        ),
    )


@router.get("/{activity_id}", summary="One activity", responses=ERRORS)
async def get_activity(
    cluster_id: UUID, activity_id: UUID, session: SessionDep, who: Reader
) -> ActivityOut:
    ensure_cluster(who, cluster_id, write=False)
    return service.to_out(await service.get(session, cluster_id, activity_id))
