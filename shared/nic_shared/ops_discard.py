"""Discarding a dead letter that is not an event at all (`POST /v1/ops/dead-letters/{id}/discard`).

A record that is not a CloudEvent can never apply: replaying it only dead-letters it again.
An operator discards it instead: the row is deleted and `ops_audit` keeps who discarded
which dead letter (its id, event id, origin and error type), when, never its bytes (they
may hold personal data). Dead letters that are events are replayed, not discarded: their
content may still be needed (409 `dead-letter-is-an-event`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from sqlalchemy import delete, insert

from nic_shared import ops_common as common
from nic_shared.db import SessionDep
from nic_shared.ops_common import Operator
from nic_shared.ops_schemas import MAX_DEAD_LETTER_ID
from nic_shared.problems import Conflict, ServiceUnavailable, register_titles

log = logging.getLogger(__name__)
router = APIRouter()
DISCARDED = "dead_letter.discarded"

register_titles(
    {
        "dead-letter-is-an-event": (
            "Den døde meldingen er en hendelse: spill den av",
            "The dead letter is an event: replay it",
        )
    }
)


class DiscardResult(BaseModel):
    discarded: int


@router.post(
    "/dead-letters/{dead_letter_id}/discard",
    summary="Delete a dead letter that is not an event (audited); events are replayed instead",
    responses={409: {"description": "The dead letter is an event"}},
)
async def ops_discard_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=MAX_DEAD_LETTER_ID)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> DiscardResult:
    tables = common.tables(request)
    row = await common.dead_letter(session, tables, dead_letter_id)
    if row.event_type is not None:
        raise Conflict(
            f"dead letter {row.id} is a {row.event_type} event: replay it instead",
            slug="dead-letter-is-an-event",
            detail_nb=f"den døde meldingen {row.id} er en hendelse: spill den av i stedet",
        )
    if not await common.has_audit(request, session):
        raise ServiceUnavailable(
            "discarding is not available: this service's migrations have not created ops_audit",
            detail_nb="forkasting er ikke tilgjengelig: tabellen ops_audit mangler",
        )
    await session.execute(
        insert(common.OPS_AUDIT).values(
            action=DISCARDED,
            dead_letter_id=row.id,
            event_id=row.event_id,
            actor=who.subject,
            detail=f"from {row.origin_topic}/{row.origin_partition}@{row.origin_offset}: "
            f"{row.error_type}",
            at=datetime.now(UTC),
        )
    )
    await session.execute(delete(tables.dead_letters).where(tables.dead_letters.c.id == row.id))
    log.info("dead letter discarded", extra={"id": row.id, "actor": who.subject})
    return DiscardResult(discarded=row.id)
