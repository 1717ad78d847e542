"""Member endpoints: a cluster manager manages their own cluster's members; officers any."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response

from nic_registry.access import ClusterWriter, Reader, ensure_cluster
from nic_registry.clusters.service import exists
from nic_registry.domain.member_csv import COLUMNS
from nic_registry.memberships import csv_io, service
from nic_registry.memberships.schemas import (
    ImportReport,
    MemberPage,
    MembershipCreate,
    MembershipOut,
    MembershipPatch,
)
from nic_registry.paging import Cursor, Limit, after, next_cursor
from nic_registry.problems import invalid
from nic_shared import problems
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.export import with_bom
from nic_shared.http import etag, require_if_match
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent
from nic_shared.problems import PayloadTooLarge, UnsupportedMediaType

router = APIRouter(prefix="/v1/clusters/{cluster_id}/members", tags=["members"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role (applicants never write)", **_P},
    404: {"description": "No such cluster, or not the caller's cluster", **_P},
    422: {"description": "Invalid body, naming the field", **_P},
}
_CSV_EXAMPLE = (
    ",".join(COLUMNS) + "\r\n988077917,,,Treklyngen AS,established_company,2023-01-01,\r\n"
)


@router.get("", summary="Members of a cluster (at a date, if given)", responses=ERRORS)
async def list_members(
    cluster_id: UUID,
    session: SessionDep,
    who: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    as_of: date | None = None,
) -> MemberPage:
    ensure_cluster(who, cluster_id, write=False)
    await exists(session, cluster_id)
    rows = await service.page(session, cluster_id, as_of=as_of, limit=limit, after=after(cursor, 2))
    last = rows[-1][0] if rows else None
    return MemberPage(
        items=[service.to_out(m, name) for m, name in rows],
        next_cursor=next_cursor(
            rows, limit, last.organisation_key if last else "", str(last.id) if last else ""
        ),
    )


@router.post(
    "",
    status_code=201,
    response_model=MembershipOut,
    summary="Add a member",
    responses={
        **ERRORS,
        **IDEMPOTENT_RESPONSES,
        409: {"description": "Overlaps a membership it holds, or Idempotency-Key reused", **_P},
    },
)
async def add_member(
    cluster_id: UUID,
    body: MembershipCreate,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    response: Response,
    once: Idempotent,
) -> MembershipOut | Response:
    ensure_cluster(who, cluster_id, write=True)

    async def work() -> MembershipOut:
        await exists(session, cluster_id)
        row, organisation = await service.create(session, cluster_id, body, clock())
        response.headers["Location"] = f"/v1/clusters/{cluster_id}/members/{row.id}"
        response.headers["ETag"] = etag(row.version)
        return service.to_out(row, organisation.name)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get(
    "/export",
    summary="The member list as CSV (the import format)",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"text/csv": {"example": _CSV_EXAMPLE}}}},
)
async def export_members(
    cluster_id: UUID, session: SessionDep, who: Reader, as_of: date | None = None
) -> Response:
    ensure_cluster(who, cluster_id, write=False)
    await exists(session, cluster_id)
    text = await csv_io.export_csv(session, cluster_id, as_of)
    return Response(
        with_bom(text),  # Excel reads æ, ø and å; the import reads the mark away
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="members-{cluster_id}.csv"'},
    )


@router.post(
    "/import",
    summary="Import a member list as CSV: all rows or none, with a per-row error report",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE}},
        }
    },
    responses={
        **ERRORS,
        413: {"description": "File too large", **_P},
        415: {"description": "Not text/csv", **_P},
        422: {"description": "Errors per row (`errors[].row`); nothing was imported", **_P},
    },
)
async def import_members(
    cluster_id: UUID, request: Request, session: SessionDep, clock: ClockDep, who: ClusterWriter
) -> ImportReport:
    ensure_cluster(who, cluster_id, write=True)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "text/plain"):
        raise UnsupportedMediaType("send the member list as text/csv")
    body = await request.body()
    if len(body) > request.app.state.settings.csv_max_bytes:
        raise PayloadTooLarge("the member file is too large")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise invalid("#", "encoding", "the file must be UTF-8") from exc
    await exists(session, cluster_id)
    return await csv_io.import_csv(session, cluster_id, text, clock())


@router.get("/{membership_id}", summary="One membership", responses=ERRORS)
async def get_member(
    cluster_id: UUID, membership_id: UUID, session: SessionDep, who: Reader, response: Response
) -> MembershipOut:
    ensure_cluster(who, cluster_id, write=False)
    row, name = await service.get(session, cluster_id, membership_id)
    response.headers["ETag"] = etag(row.version)
    return service.to_out(row, name)


@router.patch(
    "/{membership_id}",
    summary="End a membership or correct its actor type",
    responses={
        **ERRORS,
        409: {"description": "Overlaps a membership it holds", **_P},
        412: {"description": "If-Match is stale", **_P},
        428: {"description": "If-Match is missing", **_P},
    },
)
async def update_member(
    cluster_id: UUID,
    membership_id: UUID,
    body: MembershipPatch,
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    response: Response,
    if_match: Annotated[str | None, Header(description="The membership's ETag.")] = None,
) -> MembershipOut:
    ensure_cluster(who, cluster_id, write=True)
    row, name = await service.get(session, cluster_id, membership_id)
    require_if_match(if_match, row.version)
    await service.update(session, row, body, clock())
    response.headers["ETag"] = etag(row.version)
    return service.to_out(row, name)
