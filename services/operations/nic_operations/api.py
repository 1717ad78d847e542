"""Operations' HTTP API: the live stream, trails, pipeline counts, the services' status and
dead letters in one place, and the operations page (webhooks: webhook_api.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from nic_operations import pipeline, stream, trail
from nic_operations.models import stream_tickets_used
from nic_operations.settings import OperationsSettings
from nic_shared.auth import Principal, Role, require
from nic_shared.db import Database, SessionDep
from nic_shared.events.redaction import sees_full_payloads
from nic_shared.problems import (
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    UnprocessableContent,
)

log = logging.getLogger(__name__)
_P: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(
    responses={
        401: {"description": "No valid token", **_P},
        403: {"description": "Not operations or a programme officer", **_P},
    }
)
_bearer = HTTPBearer(auto_error=False, description="A JWT from the identity provider.")
Operator = Annotated[Principal, Depends(require(Role.OPERATIONS, Role.PROGRAMME_OFFICER))]


def _settings(request: Request) -> OperationsSettings:
    settings: OperationsSettings = request.app.state.settings
    return settings


def _services(request: Request) -> trail.ServiceClient:
    client: trail.ServiceClient = request.app.state.services
    return client


# ---- the live stream ------------------------------------------------------------------


class Ticket(BaseModel):
    ticket: str
    expires_at: datetime


TICKET_PRUNE_GRACE_S = 300
"""How long past its expiry a used ticket's row is kept: another instance whose clock is
behind this one's still refuses the ticket as used, not as unknown."""


def _ticket_sign(secret: bytes, payload: str) -> str:
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


async def claim_ticket(db: Database, ticket_id: str, expires_at: datetime) -> bool:
    """Record a ticket as used; False when it already was, on this instance or another.

    The insert is the claim: the ticket id is the primary key, so of two requests with one
    ticket only one insert commits, the other fails with IntegrityError. Then the rows of
    tickets long expired (refused as expired anyway) are deleted, in a transaction of their
    own: a prune that fails (two instances pruning at once) costs nothing but a log line.
    """
    try:
        async with db.transaction() as session:
            await session.execute(
                insert(stream_tickets_used).values(ticket_id=ticket_id, expires_at=expires_at)
            )
    except IntegrityError:
        return False
    cutoff = datetime.now(UTC) - timedelta(seconds=TICKET_PRUNE_GRACE_S)
    try:
        async with db.transaction() as session:
            await session.execute(
                delete(stream_tickets_used).where(stream_tickets_used.c.expires_at < cutoff)
            )
    except SQLAlchemyError as exc:
        log.warning("pruning used stream tickets failed", extra={"error": repr(exc)})
    return True


@router.post(
    "/v1/stream/tickets",
    tags=["stream"],
    status_code=201,
    summary="A short-lived ticket for EventSource, which cannot send an Authorization header",
    description=(
        "The ticket opens one `GET /v1/stream?ticket=...` connection, within "
        "`stream_ticket_ttl_s`: a second request with it is refused (401), so a client takes "
        "a new ticket before every connect and reconnect."
    ),
)
async def create_stream_ticket(request: Request, who: Operator) -> Ticket:
    expires = int(time.time()) + _settings(request).stream_ticket_ttl_s
    claims = [who.subject, expires, sees_full_payloads(who), secrets.token_urlsafe(16)]
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
    ticket = f"{payload}.{_ticket_sign(request.app.state.ticket_secret, payload)}"
    return Ticket(ticket=ticket, expires_at=datetime.fromtimestamp(expires, UTC))


@dataclass(frozen=True)
class Viewer:
    """Who watches the stream, and whether they may see event content (officers only)."""

    subject: str
    full: bool


async def stream_viewer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ticket: Annotated[str | None, Query(description="From POST /v1/stream/tickets")] = None,
) -> Viewer:
    """A bearer token (operations or programme officer), or a ticket one of them took.

    A ticket is used once: its id is recorded in the database the instances share, and a
    second request with it (a replay, or EventSource reconnecting by itself) is refused.
    """
    if credentials is not None:
        principal = await request.app.state.verifier.verify(credentials.credentials)
        if not principal.has_role(Role.OPERATIONS, Role.PROGRAMME_OFFICER):
            raise Forbidden("this needs one of: operations, programme_officer")
        return Viewer(str(principal.subject), sees_full_payloads(principal))
    if ticket:
        payload, _, signature = ticket.partition(".")
        expected = _ticket_sign(request.app.state.ticket_secret, payload)
        if hmac.compare_digest(expected, signature):
            claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
            # [subject, expires, full, id]; older tickets (2 or 3 claims, no id) are refused
            if (
                isinstance(claims, list)
                and len(claims) == 4
                and isinstance(claims[3], str)
                and 0 < len(claims[3]) <= 64
                and int(claims[1]) >= time.time()
            ):
                expires_at = datetime.fromtimestamp(int(claims[1]), UTC)
                if not await claim_ticket(request.app.state.db, claims[3], expires_at):
                    raise Unauthorized(
                        "this stream ticket was already used: a ticket opens one stream "
                        "connection; take a new one (POST /v1/stream/tickets) to connect again",
                        detail_nb="denne strømbilletten er allerede brukt: en billett åpner én "
                        "tilkobling; hent en ny (POST /v1/stream/tickets) for å koble til igjen",
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                return Viewer(str(claims[0]), claims[2] is True)
    raise Unauthorized(
        "a bearer token or a valid stream ticket is required",
        detail_nb="en bearer-token eller en gyldig strømbillett kreves",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _resume_position(header: str | None, query: str | None) -> stream.Position | None:
    """The position a Last-Event-ID (header first: EventSource sends the newest there) names."""
    for value, name, where in (
        (header, "Last-Event-ID", "header"),
        (query, "last_event_id", "query"),
    ):
        if not value:
            continue  # EventSource sends none before its first id; an empty one means none
        try:
            return stream.Position.decode(value.strip())
        except ValueError as exc:
            raise UnprocessableContent(
                f"{name}: {exc}",
                errors=[{"parameter": name, "in": where, "rule": "resume-id", "detail": str(exc)}],
            ) from exc
    return None


@router.get(
    "/v1/stream",
    tags=["stream"],
    summary="The platform's events as Server-Sent Events, filtered",
    description=(
        "Every message carries an SSE `id:` naming its position; a request with that id "
        "(the `Last-Event-ID` header EventSource sends when it reconnects, or "
        "`last_event_id`) resumes right after it: nothing missed, nothing twice. The "
        "`ready` event carries the starting position, so a connection lost before the "
        "first event resumes too."
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def event_stream(
    request: Request,
    viewer: Annotated[Viewer, Depends(stream_viewer)],
    topic: Annotated[list[str] | None, Query(description="e.g. nic.intake, nic.intake.dlq")] = None,
    type: Annotated[list[str] | None, Query(description="Full or short event type")] = None,
    subject: str | None = None,
    call: str | None = None,
    since: Annotated[
        str, Query(description="`now` or an ISO time with zone; not used when resuming")
    ] = "now",
    last_event_id: Annotated[
        str | None,
        Query(description="Resume after this message, for clients that cannot send headers"),
    ] = None,
    last_event_id_header: Annotated[
        str | None,
        Header(alias="Last-Event-ID", description="Resume after this message (EventSource)"),
    ] = None,
) -> StreamingResponse:
    settings = _settings(request)
    try:
        flt = stream.StreamFilter.build(topics=topic, types=type, subject=subject, call_id=call)
    except ValueError as exc:
        raise UnprocessableContent(str(exc)) from exc
    try:
        start = stream.parse_since(since)
    except ValueError as exc:
        raise UnprocessableContent(
            f"since: {exc}",
            errors=[{"parameter": "since", "in": "query", "rule": "iso-time", "detail": str(exc)}],
        ) from exc
    position = _resume_position(last_event_id_header, last_event_id) or stream.Position()
    state = request.app.state
    if state.viewers >= settings.stream_max_viewers:
        raise ServiceUnavailable("too many stream viewers", headers={"Retry-After": "10"})

    async def events() -> AsyncIterator[str]:
        state.viewers += 1
        state.viewer_gauge.set(state.viewers)
        ready = False
        last = time.monotonic()
        sent = ""  # the last id sent
        try:
            yield f"retry: {settings.stream_retry_ms}\n\n"
            async for item in stream.tail(
                settings, flt, start, position=position, reorder_ms=settings.stream_reorder_ms
            ):
                now = time.monotonic()
                if item is None:
                    if not ready:
                        ready = True
                        sent = position.encode()
                        body = json.dumps({"viewer": viewer.subject, "redacted": not viewer.full})
                        yield f"id: {sent}\nevent: ready\ndata: {body}\n\n"
                    elif now - last >= settings.stream_keepalive_s:
                        # records the filter passed over move the position too: an id with
                        # no data updates the client's Last-Event-ID without an event
                        current = position.encode()
                        yield ": keep-alive\n\n" if current == sent else f"id: {current}\n\n"
                        sent = current
                    else:
                        continue
                    last = now
                    continue
                last = now
                sent = position.encode()
                body = json.dumps(
                    item.to_json(full=viewer.full), separators=(",", ":"), default=str
                )
                yield f"id: {sent}\ndata: {body}\n\n"
        except Exception as exc:  # the broker went away: tell the viewer; EventSource retries
            yield f"event: failure\ndata: {json.dumps({'error': exc.__class__.__name__})}\n\n"
        finally:
            state.viewers -= 1
            state.viewer_gauge.set(state.viewers)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


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
    session: SessionDep, _who: Operator, call_id: str | None = None
) -> list[pipeline.CallCounts]:
    counts: list[pipeline.CallCounts] = await pipeline.counts(session, call_id)
    return counts


class ServiceStatus(BaseModel):
    service: str
    url: str
    reachable: str
    status: dict[str, Any] | None


@router.get("/v1/services/status", tags=["services"], summary="Every service's /v1/ops/status")
async def services_status(request: Request, _who: Operator) -> list[ServiceStatus]:
    services = _services(request)
    answers = await services.each("/v1/ops/status", request.headers.get("authorization"))
    return [
        ServiceStatus(service=name, url=services.urls[name], reachable=status, status=answer)
        for name, (answer, status) in answers.items()
    ]


class ServiceDeadLetters(BaseModel):
    service: str
    reachable: str
    items: list[dict[str, Any]]


@router.get(
    "/v1/services/dead-letters", tags=["services"], summary="Recent dead letters of every service"
)
async def services_dead_letters(
    request: Request,
    _who: Operator,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    replayed: bool | None = None,
) -> list[ServiceDeadLetters]:
    answers = await _services(request).each(
        "/v1/ops/dead-letters",
        request.headers.get("authorization"),
        limit=limit,
        replayed=None if replayed is None else str(replayed).lower(),
    )
    return [
        ServiceDeadLetters(service=name, reachable=status, items=(answer or {}).get("items", []))
        for name, (answer, status) in answers.items()
    ]


@router.post(
    "/v1/services/{service}/dead-letters/{dead_letter_id}/replay",
    tags=["services"],
    status_code=202,
    summary="Replay one service's dead letter (passed on with the caller's token)",
)
async def replay_service_dead_letter(
    service: str, dead_letter_id: int, request: Request, _who: Operator
) -> Response:
    services = _services(request)
    if service not in services.urls:
        raise NotFound(f"no service {service}")
    try:
        answer = await services.post(
            service,
            f"/v1/ops/dead-letters/{dead_letter_id}/replay",
            request.headers.get("authorization"),
        )
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"{service} did not answer: {type(exc).__name__}") from exc
    return Response(
        answer.content,
        status_code=answer.status_code,
        media_type=answer.headers.get("content-type", "application/json"),
    )


# ---- webhooks -------------------------------------------------------------------------


def _static(name: str) -> str:
    return resources.files("nic_operations").joinpath("static", name).read_text("utf-8")


@router.get("/ops", include_in_schema=False, response_class=HTMLResponse)
async def ops_page() -> HTMLResponse:
    return HTMLResponse(
        _static("ops.html"),
        headers={
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
    types = {"ops.js": "text/javascript", "ops.css": "text/css"}
    if name not in types:
        raise NotFound(f"no asset {name}")
    return Response(_static(name), media_type=f"{types[name]}; charset=utf-8")
