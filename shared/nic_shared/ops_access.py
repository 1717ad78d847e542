"""Who sees events in full on the ops views and the stream, and the audit of break-glass reads.

Operators see events redacted (nic_shared.events.redaction); programme officers, who may
read the applications, see them in full. In an incident an operator may need the content
(a dead letter whose payload must be read to be mended): a token with the
`ops_break_glass` role then sees full payloads, but only where the service's
`ops_break_glass` setting is on, and every read is written to `ops_audit` (who, when, which
event or dead letter, which view) before the content leaves. Without the setting, or where
the audit cannot be written, the role sees what the operations role sees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.auth import Principal, Role
from nic_shared.events.redaction import sees_full_payloads
from nic_shared.ops_common import OPS_AUDIT, has_audit

log = logging.getLogger(__name__)

READ_ACTION = "payload.read"
"""The audit action of a break-glass read."""

SETTING = "ops_break_glass"
"""The settings field that lets the break-glass role read in full (false when absent)."""


@dataclass(frozen=True)
class Access:
    """`full`: the caller gets payloads and error texts unredacted; `audited`: and each one
    it gets must first be written to `ops_audit` (a break-glass read)."""

    full: bool
    audited: bool = False


REDACTED_ACCESS = Access(full=False)


def break_glass_enabled(settings: Any) -> bool:
    """The service's setting; a service whose settings do not name it never breaks glass."""
    return getattr(settings, SETTING, False) is True


def access(principal: Principal, settings: Any) -> Access:
    """Officers read in full unaudited (they may read the applications); break-glass only
    with the setting on, audited; everyone else redacted."""
    if sees_full_payloads(principal):
        return Access(full=True)
    if principal.has_role(Role.OPS_BREAK_GLASS) and break_glass_enabled(settings):
        return Access(full=True, audited=True)
    return REDACTED_ACCESS


@dataclass(frozen=True)
class Read:
    """One item a break-glass caller is about to receive in full."""

    event_id: str | None
    dead_letter_id: int | None = None


async def record_reads(session: AsyncSession, actor: str, view: str, reads: Iterable[Read]) -> int:
    """One `ops_audit` row per item read, in the caller's transaction; returns how many."""
    now = datetime.now(UTC)
    rows = [
        {
            "action": READ_ACTION,
            "dead_letter_id": r.dead_letter_id,
            "event_id": r.event_id,
            "actor": actor,
            "detail": view,
            "at": now,
        }
        for r in reads
    ]
    if rows:
        await session.execute(insert(OPS_AUDIT), rows)
        log.warning(
            "break-glass read of full payloads",
            extra={"actor": actor, "view": view, "items": len(rows)},
        )
    return len(rows)


def view_of(request: Request) -> str:
    """The view as the audit names it: method, path and query (ids only; never a token)."""
    query = request.url.query
    return f"{request.method} {request.url.path}{'?' + query if query else ''}"[:1000]


async def caller_access(request: Request, session: AsyncSession, who: Principal) -> Access:
    """What this caller sees here: a break-glass read where no audit table exists (its
    migrations not yet run) would go unrecorded, so it is redacted instead."""
    found = access(who, request.app.state.settings)
    if found.audited and not await has_audit(request, session):
        return REDACTED_ACCESS
    return found
