"""Idempotency-Key for creating POSTs: the same key and body replay the first response; the
same key with another body is refused (409).

Used inside the request's transaction: `lookup` first (before any other check, so a retry
after a deadline still gets its original success), then the work, then `remember`. Keys are
scoped to the caller and the route, so two clients cannot collide.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.messaging_tables import MessagingTables
from nic_shared.problems import BadRequest, Conflict

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any
    headers: dict[str, str]


def request_hash(body: Any) -> str:
    """A hash of the request body as JSON with sorted keys (insignificant whitespace ignored)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequest(
            f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters",
            slug="invalid-idempotency-key",
        )


async def lookup(
    session: AsyncSession, *, scope: str, key: str, body_hash: str
) -> StoredResponse | None:
    """The stored response for this key, None when it is new; 409 when the body differs."""
    _check_key(key)
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
    """Store the response in the same transaction as the effect it describes."""
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


def _table(session: AsyncSession) -> Any:
    tables: MessagingTables = session.info["messaging"]
    return tables.idempotency
