"""What the ops page reads besides the stream: where an application is, pipeline counts per
call, every service's status and dead letters (asked with the caller's token, so each
service decides what that caller sees and audits it; operations' own, from its consumer,
read here directly under the name `operations`), and the page itself."""

from __future__ import annotations

import uuid
from importlib import resources
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from nic_operations import pipeline, trail
from nic_shared import ops_dead_letters, ops_discard, ops_events
from nic_shared.auth import Principal, require
from nic_shared.db import SessionDep
from nic_shared.i18n import Lang, language
from nic_shared.ops_common import OPERATOR_ROLES
from nic_shared.ops_schemas import MAX_DEAD_LETTER_ID
from nic_shared.problems import NotFound, ServiceUnavailable

_P: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(
    responses={
        401: {"description": "No valid token", **_P},
        403: {"description": "Not operations or a programme officer", **_P},
    }
)
Operator = Annotated[Principal, Depends(require(*OPERATOR_ROLES))]


OWN = "operations"
"""Operations' own name among the services: its consumer dead-letters too."""


def _services(request: Request) -> trail.ServiceClient:
    client: trail.ServiceClient = request.app.state.services
    return client


def _own(request: Request) -> bool:
    """Whether operations answers for itself (not configured as one of the services)."""
    return OWN not in _services(request).urls


# ---- where is X, counts, status, dead letters -------------------------------------------


@router.get(
    "/v1/applications/{application_id}/trail",
    tags=["trail"],
    summary="Where is application X: every step across the services, or where it stopped",
)
async def application_trail(application_id: str, request: Request, _who: Operator) -> trail.Trail:
    return await trail.where_is(
        _services(request), application_id, request.headers.get("authorization")
    )


@router.get("/v1/pipeline/calls", tags=["pipeline"], summary="Pipeline counts per call")
async def pipeline_counts(
    session: SessionDep, _who: Operator, call_id: uuid.UUID | None = None
) -> list[pipeline.CallCounts]:
    wanted = None if call_id is None else str(call_id)
    counts: list[pipeline.CallCounts] = await pipeline.counts(session, wanted)
    return counts


class ServiceStatus(BaseModel):
    service: str
    url: str
    reachable: str
    status: dict[str, Any] | None


@router.get("/v1/services/status", tags=["services"], summary="Every service's /v1/ops/status")
async def services_status(
    request: Request, session: SessionDep, who: Operator
) -> list[ServiceStatus]:
    services = _services(request)
    answers = await services.each("/v1/ops/status", request.headers.get("authorization"))
    found = [
        ServiceStatus(service=name, url=services.urls[name], reachable=status, status=answer)
        for name, (answer, status) in answers.items()
    ]
    if _own(request):
        own = await ops_events.ops_status(request, session, who)
        url = str(request.base_url).rstrip("/")
        found.append(
            ServiceStatus(service=OWN, url=url, reachable="ok", status=own.model_dump(mode="json"))
        )
    return found


class ServiceDeadLetters(BaseModel):
    service: str
    reachable: str
    items: list[dict[str, Any]]


@router.get(
    "/v1/services/dead-letters", tags=["services"], summary="Recent dead letters of every service"
)
async def services_dead_letters(
    request: Request,
    session: SessionDep,
    who: Operator,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    replayed: bool | None = None,
) -> list[ServiceDeadLetters]:
    answers = await _services(request).each(
        "/v1/ops/dead-letters",
        request.headers.get("authorization"),
        limit=limit,
        replayed=None if replayed is None else str(replayed).lower(),
    )
    found = [
        ServiceDeadLetters(service=name, reachable=status, items=(answer or {}).get("items", []))
        for name, (answer, status) in answers.items()
    ]
    if _own(request):
        page = await ops_dead_letters.ops_list_dead_letters(
            request, session, who, type=None, replayed=replayed, limit=limit, cursor=None
        )
        items = [item.model_dump(mode="json") for item in page.items]
        found.append(ServiceDeadLetters(service=OWN, reachable="ok", items=items))
    return found


@router.post(
    "/v1/services/{service}/dead-letters/{dead_letter_id}/replay",
    tags=["services"],
    status_code=202,
    summary="Replay one service's dead letter (passed on with the caller's token)",
)
async def replay_service_dead_letter(
    service: str,
    dead_letter_id: Annotated[int, Path(ge=1, le=MAX_DEAD_LETTER_ID)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> Response:
    if service == OWN and _own(request):
        done = await ops_dead_letters.ops_replay_dead_letter(dead_letter_id, request, session, who)
        return Response(done.model_dump_json(), status_code=202, media_type="application/json")
    return await _pass_on(request, service, f"/v1/ops/dead-letters/{dead_letter_id}/replay")


@router.post(
    "/v1/services/{service}/dead-letters/{dead_letter_id}/discard",
    tags=["services"],
    summary="Discard one service's dead letter that is not an event (audited there)",
)
async def discard_service_dead_letter(
    service: str,
    dead_letter_id: Annotated[int, Path(ge=1, le=MAX_DEAD_LETTER_ID)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> Response:
    if service == OWN and _own(request):
        done = await ops_discard.ops_discard_dead_letter(dead_letter_id, request, session, who)
        return Response(done.model_dump_json(), media_type="application/json")
    return await _pass_on(request, service, f"/v1/ops/dead-letters/{dead_letter_id}/discard")


async def _pass_on(request: Request, service: str, path: str) -> Response:
    """POST the path on the service with the caller's token; its answer is the answer."""
    services = _services(request)
    if service not in services.urls:
        raise NotFound(f"no service {service}")
    try:
        answer = await services.post(service, path, request.headers.get("authorization"))
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"{service} did not answer: {type(exc).__name__}") from exc
    return Response(
        answer.content,
        status_code=answer.status_code,
        media_type=answer.headers.get("content-type", "application/json"),
    )


# ---- the page ---------------------------------------------------------------------------


def _static(name: str) -> str:
    return resources.files("nic_operations").joinpath("static", name).read_text("utf-8")


@router.get("/ops", include_in_schema=False, response_class=HTMLResponse)
async def ops_page(
    lang: Annotated[Lang | None, Query(description="nb or en; else by Accept-Language")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The page in the language asked for: its script reads the choice from `<html lang>`."""
    chosen = lang or language(accept_language)
    html = _static("ops.html").replace('<html lang="en">', f'<html lang="{chosen}">', 1)
    return HTMLResponse(
        html,
        headers={
            "Content-Language": chosen,
            "Vary": "Accept-Language",
            "Cache-Control": "no-store",
            "Content-Security-Policy": (
                "default-src 'self'; script-src 'self'; style-src 'self'; "
                "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
            ),
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/ops/{name}", include_in_schema=False)
async def ops_asset(name: str) -> Response:
    types = {"ops.js": "text/javascript", "ops-text.js": "text/javascript", "ops.css": "text/css"}
    if name not in types:
        raise NotFound(f"no asset {name}")
    return Response(_static(name), media_type=f"{types[name]}; charset=utf-8")
