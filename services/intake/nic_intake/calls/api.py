"""Call endpoints: thin; the service does the work, the request commits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from nic_intake.calls import service as call_service
from nic_intake.calls.schemas import CallCreate, CallOut, CallPage
from nic_shared import problems
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import decode_cursor, encode_cursor, etag

router = APIRouter(prefix="/v1/calls", tags=["calls"])
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
Anyone = Annotated[Principal, Depends(authenticate)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", "content": {problems.MEDIA_TYPE: {}}},
    403: {"description": "Not a programme officer", "content": {problems.MEDIA_TYPE: {}}},
    422: {"description": "Invalid body", "content": {problems.MEDIA_TYPE: {}}},
}


@router.post(
    "",
    status_code=201,
    response_model=CallOut,
    summary="Create a draft call from a template",
    description="Rules across fields and stored calls, which the schema cannot state, each a "
    "422 `validation-error` whose error names the field and the rule: `end-before-start` "
    "(opens_at_local before deadline_local), `call_terms` (overrides that contradict the "
    "scheme's template or each other), `oslo_local_time` (a wall-clock time Oslo skips), "
    "`no-cluster-stage` (cluster_deadline_local on a call without proposal limits or on a "
    "second stage), `after-deadline` (cluster_deadline_local not after deadline_local), "
    "`follows-cluster-stage`, `same-scheme` and `after-first-stage` (follows_call_id must "
    "name a published call of the same scheme with a cluster stage, whose cluster deadline "
    "comes before this deadline).",
    responses={**_ERRORS, 409: {"description": "Code taken", "content": {problems.MEDIA_TYPE: {}}}},
)
async def create_call(
    call_in: CallCreate,
    session: SessionDep,
    clock: ClockDep,
    _officer: Officer,
    response: Response,
) -> CallOut:
    call = await call_service.create(session, call_in=call_in, now=clock())
    response.headers["Location"] = f"/v1/calls/{call.id}"
    response.headers["ETag"] = etag(call.version)
    return call_service.to_out(call, clock())


@router.post(
    "/{call_id}/publish",
    response_model=CallOut,
    summary="Publish a draft call",
    responses={
        **_ERRORS,
        409: {"description": "Already published", "content": {problems.MEDIA_TYPE: {}}},
    },
)
async def publish_call(
    call_id: UUID, session: SessionDep, clock: ClockDep, _officer: Officer, response: Response
) -> CallOut:
    call = await call_service.publish(session, call_id=call_id, now=clock())
    response.headers["ETag"] = etag(call.version)
    return call_service.to_out(call, clock())


@router.get(
    "/{call_id}",
    response_model=CallOut,
    summary="One call (a draft call: officers only, 404 for others)",
    responses=_ERRORS,
)
async def get_call(
    call_id: UUID, session: SessionDep, clock: ClockDep, who: Anyone, response: Response
) -> CallOut:
    call = await call_service.get_visible(session, call_id, who)
    response.headers["ETag"] = etag(call.version)
    return call_service.to_out(call, clock())


@router.get(
    "",
    response_model=CallPage,
    summary="Calls, oldest first (drafts listed to officers only)",
    responses=_ERRORS,
)
async def list_calls(
    session: SessionDep,
    clock: ClockDep,
    who: Anyone,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> CallPage:
    after, after_id = None, None
    if cursor:
        created, ident = decode_cursor(cursor)
        after, after_id = datetime.fromisoformat(created), UUID(ident)
    calls = await call_service.list_calls(
        session,
        limit=limit,
        after=after,
        after_id=after_id,
        published_only=not call_service.sees_drafts(who),
    )
    next_cursor = (
        encode_cursor(calls[-1].created_at.isoformat(), str(calls[-1].id))
        if len(calls) == limit
        else None
    )
    now = clock()
    return CallPage(items=[call_service.to_out(c, now) for c in calls], next_cursor=next_cursor)
