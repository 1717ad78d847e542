"""Operations' live stream: tickets for EventSource, who watches and what they see, and the
SSE route (the trail, counts, services and the page: views_api.py; webhooks: webhook_api.py)."""

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
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from nic_operations import stream
from nic_operations.models import stream_tickets_used
from nic_operations.settings import OperationsSettings
from nic_shared.auth import Principal, require
from nic_shared.db import Database
from nic_shared.ops_access import READ_ACTION, access, break_glass_enabled
from nic_shared.ops_common import OPERATOR_ROLES, OPS_AUDIT, type_names
from nic_shared.patterns import AWARE_TIME
from nic_shared.problems import (
    Forbidden,
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
Operator = Annotated[Principal, Depends(require(*OPERATOR_ROLES))]


def _settings(request: Request) -> OperationsSettings:
    settings: OperationsSettings = request.app.state.settings
    return settings


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
    seen = access(who, _settings(request))
    full: bool | str = BREAK_GLASS_CLAIM if seen.audited else seen.full
    claims = [who.subject, expires, full, secrets.token_urlsafe(16)]
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
    ticket = f"{payload}.{_ticket_sign(request.app.state.ticket_secret, payload)}"
    return Ticket(ticket=ticket, expires_at=datetime.fromtimestamp(expires, UTC))


BREAK_GLASS_CLAIM = "break_glass"
"""A ticket's `full` claim for a break-glass viewer: full payloads, each one audited."""


@dataclass(frozen=True)
class Viewer:
    """Who watches the stream, and whether they may see event content (officers; a
    break-glass viewer too, where the setting allows it, with every event audited)."""

    subject: str
    full: bool
    audited: bool = False

    @classmethod
    def of(cls, subject: str, full: Any, settings: OperationsSettings) -> Viewer:
        """From a ticket's claim; break-glass only while this instance allows it."""
        if full == BREAK_GLASS_CLAIM:
            allowed = break_glass_enabled(settings)
            return cls(subject, full=allowed, audited=allowed)
        return cls(subject, full=full is True)


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
        if not principal.has_role(*OPERATOR_ROLES):
            wanted = ", ".join(OPERATOR_ROLES)
            raise Forbidden(
                f"this needs one of: {wanted}", detail_nb=f"dette krever en av: {wanted}"
            )
        seen = access(principal, _settings(request))
        return Viewer(str(principal.subject), seen.full, seen.audited)
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
                return Viewer.of(str(claims[0]), claims[2], _settings(request))
    raise Unauthorized(
        "a bearer token or a valid stream ticket is required",
        detail_nb="en bearer-token eller en gyldig strømbillett kreves",
        headers={"WWW-Authenticate": "Bearer"},
    )


RESUME_ID = {"pattern": stream.RESUME_ID_PATTERN, "maxLength": stream.MAX_RESUME_ID}


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
    topic: Annotated[
        list[Annotated[str, Field(json_schema_extra={"enum": list(stream.ALL_TOPICS)})]] | None,
        Query(description="e.g. nic.intake, nic.intake.dlq"),
    ] = None,
    type: Annotated[
        list[Annotated[str, Field(json_schema_extra={"enum": type_names()})]] | None,
        Query(description="Full or short event type"),
    ] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    call: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[
        str,
        Query(
            description="`now` or an ISO time with zone; not used when resuming",
            json_schema_extra={"pattern": f"^now$|{AWARE_TIME}"},
        ),
    ] = "now",
    last_event_id: Annotated[
        str | None,
        Query(
            description="Resume after this message, for clients that cannot send headers",
            json_schema_extra=RESUME_ID,
        ),
    ] = None,
    last_event_id_header: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            description="Resume after this message (EventSource)",
            json_schema_extra=RESUME_ID,
        ),
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
                        body = json.dumps(
                            {
                                "viewer": viewer.subject,
                                "redacted": not viewer.full,
                                "break_glass": viewer.audited,
                            }
                        )
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
                full = viewer.full and (
                    not viewer.audited or await _audit_stream_read(state.db, viewer, item)
                )
                body = json.dumps(item.to_json(full=full), separators=(",", ":"), default=str)
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


async def _audit_stream_read(db: Database, viewer: Viewer, item: stream.StreamedEvent) -> bool:
    """A break-glass viewer's event, recorded before it is sent in full; False (send it
    redacted) when the audit cannot be written."""
    try:
        async with db.transaction() as session:
            await session.execute(
                insert(OPS_AUDIT).values(
                    action=READ_ACTION,
                    event_id=item.id,
                    actor=viewer.subject,
                    detail=f"GET /v1/stream {item.topic}/{item.partition}@{item.offset}",
                    at=datetime.now(UTC),
                )
            )
    except SQLAlchemyError as exc:
        log.error("a break-glass stream read could not be audited", extra={"error": repr(exc)})
        return False
    return True
