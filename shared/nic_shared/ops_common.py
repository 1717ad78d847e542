"""What the `/v1/ops` routes share: who may call them, the audit table, event type names,
and a dead letter as its summary (with the error scrubbed for those who may not read it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, Row, Table, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.auth import Principal, Role, require
from nic_shared.events import CATALOGUE
from nic_shared.events.redaction import scrub_error
from nic_shared.messaging_tables import MessagingTables, define_ops_tables
from nic_shared.ops_schemas import DeadLetterSummary
from nic_shared.problems import NotFound

OPS_AUDIT: Table = define_ops_tables(MetaData())
"""The audit table, for queries (each service's migrations create it)."""

OPERATOR_ROLES = (Role.OPERATIONS, Role.PROGRAMME_OFFICER, Role.OPS_BREAK_GLASS)
"""The roles the ops views let in (what each sees: nic_shared.ops_access)."""

Operator = Annotated[Principal, Depends(require(*OPERATOR_ROLES))]


def short_type(event_type: str) -> str:
    """`no.nic.application.submitted.v1` -> `application.submitted`."""
    name = event_type.removeprefix("no.nic.")
    head, _, version = name.rpartition(".")
    return head if head and version.startswith("v") and version[1:].isdigit() else name


def type_names() -> list[str]:
    """Every event type a filter may name, in full or short (`application.submitted`)."""
    return sorted({*CATALOGUE, *(short_type(t) for t in CATALOGUE)})


def resolve_types(names: list[str] | None) -> list[str] | None:
    """Full event types for names given in full or short (`application.submitted`) form."""
    if not names:
        return None
    wanted: list[str] = []
    for name in names:
        matches = [t for t in CATALOGUE if t == name or short_type(t) == name]
        wanted += matches or [name]  # an unknown type matches nothing, which is the answer
    return wanted


def tables(request: Request) -> MessagingTables:
    found: MessagingTables = request.app.state.tables
    return found


def summary(row: Row[Any], applied: bool, full: bool) -> DeadLetterSummary:
    return DeadLetterSummary(
        id=row.id,
        event_id=row.event_id,
        event_type=row.event_type,
        consumer_group=row.consumer_group,
        origin_topic=row.origin_topic,
        origin_partition=row.origin_partition,
        origin_offset=row.origin_offset,
        key=row.key,
        error_type=row.error_type,
        error=row.error if full else scrub_error(row.error) or "",
        attempts=row.attempts,
        dead_lettered_at=row.dead_lettered_at,
        replayed_at=row.replayed_at,
        replay_count=row.replay_count or 0,
        applied=applied,
    )


async def dead_letter(session: AsyncSession, tables: MessagingTables, id_: int) -> Row[Any]:
    """One dead letter by id; 404 when there is none."""
    row = (
        await session.execute(select(tables.dead_letters).where(tables.dead_letters.c.id == id_))
    ).first()
    if row is None:
        raise NotFound(f"no dead letter {id_}", detail_nb=f"ingen død melding {id_}")
    return row


async def has_audit(request: Request, session: AsyncSession) -> bool:
    """Whether this service's migrations created `ops_audit` yet (remembered once true)."""
    if getattr(request.app.state, "ops_audit_ready", False):
        return True
    found = await session.run_sync(
        lambda sync: inspect(sync.connection()).has_table(OPS_AUDIT.name)
    )
    request.app.state.ops_audit_ready = bool(found)
    return bool(found)


async def applied(session: AsyncSession, tables: MessagingTables, ids: list[str]) -> set[str]:
    """The event ids among `ids` this service's inbox holds: they took effect."""
    if not ids:
        return set()
    rows = await session.scalars(
        select(tables.inbox.c.event_id).where(tables.inbox.c.event_id.in_(set(ids)))
    )
    return set(rows)


async def summaries(
    session: AsyncSession, tables: MessagingTables, rows: list[Row[Any]], full: bool
) -> list[DeadLetterSummary]:
    """`full`: the caller may read payloads; otherwise quoted input values are scrubbed."""
    done = await applied(session, tables, [r.event_id for r in rows])
    return [summary(r, r.event_id in done, full) for r in rows]
