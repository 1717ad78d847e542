"""Idempotency-Key for creating POSTs: the same key and body replay the first response; the
same key with another body is refused (409).

Used inside the request's transaction: `lookup` first (before any other check, so a retry
after a deadline still gets its original success), then the work, then `remember`, and
`replay` for a stored answer. Keys are scoped to the caller and the route, so two clients
cannot collide. A route that needs nothing special takes `Idempotent` (a dependency that
reads the header and documents it) and wraps its work in `Idempotent.run`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.auth import CurrentPrincipal
from nic_shared.db import SessionDep
from nic_shared.messaging_tables import MessagingTables
from nic_shared.problems import BadRequest, Conflict, problem_doc, register_titles

MAX_KEY_LENGTH = 200

register_titles(
    {
        "invalid-idempotency-key": ("Ugyldig Idempotency-Key", "Invalid Idempotency-Key"),
        "idempotency-key-reused": (
            "Idempotency-Key er brukt med et annet innhold",
            "The Idempotency-Key was used with another body",
        ),
    }
)

KEY_DESCRIPTION = (
    f"Optional; 1-{MAX_KEY_LENGTH} printable ASCII characters (no space at either end), "
    "chosen by the client per intended effect. A retry with the same key and body replays "
    "the first answer (status, body, Location and ETag) without doing it again; the same key "
    "with another body is 409 `idempotency-key-reused`; a malformed key is 400 "
    "`invalid-idempotency-key`. Keys are scoped to the caller and the route."
)

RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_doc("Malformed Idempotency-Key (or another malformed header or cursor)"),
    409: problem_doc("The Idempotency-Key was used with another body, or the state forbids it"),
}
"""The answers an idempotent route adds; spread them before the route's own 409 entry."""

T = TypeVar("T")


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any
    headers: dict[str, str]


def request_hash(body: Any) -> str:
    """A hash of the request body as JSON with sorted keys (insignificant whitespace ignored)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


KEY_PATTERN = r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$"
"""Printable ASCII with no space at either end (a header's own ends are trimmed in transit)."""
KEY_SCHEMA = {"type": "string", "pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH}
_KEY = re.compile(KEY_PATTERN)


def check_key(key: str) -> None:
    """400 `invalid-idempotency-key` unless the key matches KEY_SCHEMA, as documented."""
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise BadRequest(
            f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable ASCII characters, "
            "no space at either end",
            slug="invalid-idempotency-key",
        )


async def lookup(
    session: AsyncSession, *, scope: str, key: str, body_hash: str
) -> StoredResponse | None:
    """The stored response for this key, None when it is new; 409 when the body differs."""
    check_key(key)
    table = _table(session)
    row = (
        await session.execute(select(table).where(table.c.scope == scope, table.c.key == key))
    ).one_or_none()
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise Conflict(
            "this Idempotency-Key was used with a different request body",
            detail_nb="denne Idempotency-Key ble brukt med et annet innhold",
            slug="idempotency-key-reused",
        )
    return StoredResponse(
        row.status_code, json.loads(row.response_body), json.loads(row.response_headers)
    )


async def remember(
    session: AsyncSession,
    *,
    scope: str,
    key: str,
    body_hash: str,
    status_code: int,
    body: Any,
    headers: dict[str, str] | None = None,
) -> None:
    """Store the response in the same transaction as the effect it describes. When the same
    key raced in through another request, that one won: 409 with Retry-After, and the
    caller's transaction (the effect) rolls back."""
    try:
        await session.execute(
            insert(_table(session)).values(
                scope=scope,
                key=key,
                request_hash=body_hash,
                status_code=status_code,
                response_body=json.dumps(body, default=str),
                response_headers=json.dumps(headers or {}),
                created_at=datetime.now(UTC),
            )
        )
    except IntegrityError as exc:
        raise Conflict(
            "a request with this Idempotency-Key is being processed; retry",
            slug="concurrent-change",
            headers={"Retry-After": "1"},
        ) from exc


def replay(stored: StoredResponse) -> Response:
    """The stored answer exactly as it was first sent: status, JSON body, headers."""
    return Response(
        json.dumps(stored.body),
        status_code=stored.status_code,
        media_type="application/json",
        headers=stored.headers,
    )


def _table(session: AsyncSession) -> Any:
    tables: MessagingTables = session.info["messaging"]
    return tables.idempotency


class Idempotency:
    """One request's Idempotency-Key, with the caller and the route it is scoped to."""

    def __init__(
        self, session: AsyncSession, request: Request, subject: str, key: str | None
    ) -> None:
        self.session = session
        self.key = key
        route = request.scope.get("route")
        template = getattr(route, "path", request.url.path)
        self.scope = f"{subject}:{request.method} {template}"
        self.path_params = dict(request.path_params)

    async def run(
        self,
        work: Callable[[], Awaitable[T]],
        *,
        body: Any,
        response: Response,
        status_code: int = 201,
    ) -> T | Response:
        """Without a key, `work()`. With one: the stored answer when the key is known (409
        when `body` differs), else `work()` and its answer remembered in this transaction.
        `body` is the request body as JSON data; the path parameters count as part of it."""
        if self.key is None:
            return await work()
        body_hash = request_hash({"path": self.path_params, "body": body})
        stored = await lookup(self.session, scope=self.scope, key=self.key, body_hash=body_hash)
        if stored is not None:
            return replay(stored)
        result = await work()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        await remember(
            self.session,
            scope=self.scope,
            key=self.key,
            body_hash=body_hash,
            status_code=response.status_code or status_code,
            body=jsonable_encoder(result),
            headers=headers,
        )
        return result


KeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description=KEY_DESCRIPTION, json_schema_extra=KEY_SCHEMA),
]
"""An optional Idempotency-Key header parameter, documented with its pattern."""

RequiredKeyHeader = Annotated[str | None, Header(alias="Idempotency-Key", include_in_schema=False)]
"""The header of a route that refuses to work without one (400 `idempotency-key-required`
from the route itself, not FastAPI's 422): hidden here, documented by REQUIRED_KEY."""

REQUIRED_KEY: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": True,
            "description": KEY_DESCRIPTION.replace(
                "Optional;", "Required (without it 400 `idempotency-key-required`);"
            ),
            "schema": KEY_SCHEMA,
        }
    ]
}
"""`openapi_extra` of a route taking RequiredKeyHeader."""


async def _idempotency(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: KeyHeader = None,
) -> Idempotency:
    return Idempotency(session, request, principal.subject, idempotency_key)


Idempotent = Annotated[Idempotency, Depends(_idempotency)]
"""A route parameter: the request's Idempotency-Key (optional), documented in the OpenAPI."""
