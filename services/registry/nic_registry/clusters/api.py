"""Cluster endpoints: officers register clusters and their history; anyone signed in reads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Response

from nic_registry.access import Anyone, Officer
from nic_registry.clusters import service
from nic_registry.clusters.history import ClusterRecord
from nic_registry.clusters.schemas import (
    ClusterCreate,
    ClusterOut,
    ClusterPage,
    ClusterPatch,
    EscaIn,
    LevelIn,
    MatureIn,
    PeriodEnd,
    PeriodIn,
)
from nic_registry.paging import Cursor, Limit, after, next_cursor
from nic_registry.problems import oslo_today
from nic_shared import problems
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import etag, require_if_match
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent

router = APIRouter(prefix="/v1/clusters", tags=["clusters"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role", **_P},
    404: {"description": "No such cluster", **_P},
    422: {"description": "Invalid body, naming the field", **_P},
}
_HISTORY_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "Overlaps a period the cluster holds", **_P},
    412: {"description": "If-Match is stale", **_P},
}
_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, **IDEMPOTENT_RESPONSES}
_ADD_ERRORS: dict[int | str, dict[str, Any]] = {
    **_HISTORY_ERRORS,
    **IDEMPOTENT_RESPONSES,
    409: {"description": "Overlaps a period the cluster holds, or Idempotency-Key reused", **_P},
}
IfMatch = Annotated[str | None, Header(description="The cluster's ETag.")]


def _answer(record: ClusterRecord, response: Response, as_of: date) -> ClusterOut:
    response.headers["ETag"] = etag(record.cluster.version)
    return service.to_out(record, as_of)


@router.post(
    "",
    status_code=201,
    response_model=ClusterOut,
    summary="Register a cluster",
    responses=_CREATE_ERRORS,
)
async def create_cluster(
    body: ClusterCreate,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
) -> ClusterOut | Response:
    async def work() -> ClusterOut:
        record = await service.create(session, body, clock())
        response.headers["Location"] = f"/v1/clusters/{record.cluster.id}"
        return _answer(record, response, oslo_today(clock()))

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get("", summary="Clusters, oldest registration first", responses=ERRORS)
async def list_clusters(
    session: SessionDep,
    clock: ClockDep,
    _who: Anyone,
    limit: Limit = 50,
    cursor: Cursor = None,
    as_of: date | None = None,
) -> ClusterPage:
    records = await service.page(session, limit=limit, after=after(cursor, 2))
    day = as_of or oslo_today(clock())
    last = records[-1].cluster if records else None
    return ClusterPage(
        items=[service.to_out(r, day) for r in records],
        next_cursor=next_cursor(
            records,
            limit,
            last.created_at.isoformat() if last else "",
            str(last.id if last else ""),
        ),
    )


@router.get("/{cluster_id}", summary="One cluster, its history and status", responses=ERRORS)
async def get_cluster(
    cluster_id: UUID,
    session: SessionDep,
    clock: ClockDep,
    _who: Anyone,
    response: Response,
    as_of: date | None = None,
) -> ClusterOut:
    record = await service.get(session, cluster_id)
    return _answer(record, response, as_of or oslo_today(clock()))


@router.patch("/{cluster_id}", summary="Change a cluster's details", responses=_HISTORY_ERRORS)
async def update_cluster(
    cluster_id: UUID,
    body: ClusterPatch,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    if_match: IfMatch = None,
) -> ClusterOut:
    record = await service.get(session, cluster_id)
    require_if_match(if_match, record.cluster.version)
    await service.update(session, record, body, clock())
    return _answer(record, response, oslo_today(clock()))


async def _for_change(session: SessionDep, cluster_id: UUID, if_match: str | None) -> ClusterRecord:
    record = await service.get(session, cluster_id)
    if if_match is not None:
        require_if_match(if_match, record.cluster.version)
    return record


@router.post(
    "/{cluster_id}/levels",
    status_code=201,
    response_model=ClusterOut,
    summary="Add a programme level period",
    responses=_ADD_ERRORS,
)
async def add_level(
    cluster_id: UUID,
    body: LevelIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
    if_match: IfMatch = None,
) -> ClusterOut | Response:
    async def work() -> ClusterOut:
        record = await _for_change(session, cluster_id, if_match)
        await service.add_level(
            session,
            record,
            level=body.level,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            now=clock(),
        )
        return _answer(record, response, oslo_today(clock()))

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.post(
    "/{cluster_id}/nce",
    status_code=201,
    response_model=ClusterOut,
    summary="Add an NCE brand period",
    responses=_ADD_ERRORS,
)
async def add_nce(
    cluster_id: UUID,
    body: PeriodIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
    if_match: IfMatch = None,
) -> ClusterOut | Response:
    async def work() -> ClusterOut:
        record = await _for_change(session, cluster_id, if_match)
        await service.add_nce(session, record, body.valid_from, body.valid_to, clock())
        return _answer(record, response, oslo_today(clock()))

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.post(
    "/{cluster_id}/mature",
    status_code=201,
    response_model=ClusterOut,
    summary="Qualify (or renew) as a mature cluster for one year",
    responses=_ADD_ERRORS,
)
async def add_mature(
    cluster_id: UUID,
    body: MatureIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
    if_match: IfMatch = None,
) -> ClusterOut | Response:
    async def work() -> ClusterOut:
        record = await _for_change(session, cluster_id, if_match)
        await service.add_mature(session, record, body.valid_from, clock())
        return _answer(record, response, oslo_today(clock()))

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.post(
    "/{cluster_id}/esca-labels",
    status_code=201,
    response_model=ClusterOut,
    summary="Record an ESCA label",
    responses=_ADD_ERRORS,
)
async def add_esca_label(
    cluster_id: UUID,
    body: EscaIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
    if_match: IfMatch = None,
) -> ClusterOut | Response:
    async def work() -> ClusterOut:
        record = await _for_change(session, cluster_id, if_match)
        await service.add_esca(session, record, body, clock())
        return _answer(record, response, oslo_today(clock()))

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.patch(
    "/{cluster_id}/periods/{period_id}",
    summary="End a level, NCE or mature period (a cluster leaves the programme this way)",
    responses=_HISTORY_ERRORS,
)
async def end_period(
    cluster_id: UUID,
    period_id: UUID,
    body: PeriodEnd,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    if_match: IfMatch = None,
) -> ClusterOut:
    record = await service.get(session, cluster_id)
    require_if_match(if_match, record.cluster.version)
    await service.end_period(session, record, period_id, body.valid_to, clock())
    return _answer(record, response, oslo_today(clock()))
