"""Dead letters of this service: list, inspect, replay one or in bulk (`/v1/ops/dead-letters`).

A replay sends the original record again to its origin topic with the same event id, so a
consumer that already applied it skips it (the inbox), and one that had not applies it
once. Every replay is audited in `ops_audit` (who, when, which dead letter) and counted on
the dead-letter row.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared import ops_common as common
from nic_shared.auth import Principal
from nic_shared.db import SessionDep
from nic_shared.events.redaction import redact_raw
from nic_shared.http import decode_cursor, encode_cursor
from nic_shared.kafka import Headers, event_headers, new_producer
from nic_shared.metrics import Metrics
from nic_shared.ops_access import READ_ACTION, Read, caller_access, record_reads, view_of
from nic_shared.ops_common import Operator
from nic_shared.ops_schemas import (
    MAX_BULK_REPLAY,
    MAX_DEAD_LETTER_ID,
    AuditEntry,
    DeadLetterDetail,
    DeadLetterPage,
    ReplayRequest,
    ReplayResult,
)
from nic_shared.problems import BadRequest, NotFound, ServiceUnavailable
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/dead-letters", summary="Dead-lettered events, newest first")
async def ops_list_dead_letters(
    request: Request,
    session: SessionDep,
    who: Operator,
    type: Annotated[list[str] | None, Query(description="Event type, full or short")] = None,
    replayed: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> DeadLetterPage:
    tables = common.tables(request)
    dl = tables.dead_letters
    query = select(dl).order_by(dl.c.id.desc()).limit(limit + 1)
    types = common.resolve_types(type)
    if types is not None:
        query = query.where(dl.c.event_type.in_(types))
    if replayed is not None:
        query = query.where(dl.c.replay_count > 0 if replayed else dl.c.replay_count == 0)
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != 1 or not isinstance(values[0], int):
            raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor")
        query = query.where(dl.c.id < values[0])
    rows = list((await session.execute(query)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    seen = await caller_access(request, session, who)
    if seen.audited:
        reads = [Read(r.event_id, r.id) for r in rows]
        await record_reads(session, who.subject, view_of(request), reads)
    return DeadLetterPage(
        items=await common.summaries(session, tables, rows, seen.full),
        next_cursor=encode_cursor(rows[-1].id) if more and rows else None,
    )


@router.get("/dead-letters/{dead_letter_id}", summary="One dead letter with its replay history")
async def ops_get_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=MAX_DEAD_LETTER_ID)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> DeadLetterDetail:
    tables = common.tables(request)
    row = await common.dead_letter(session, tables, dead_letter_id)
    replays = []
    audit = common.OPS_AUDIT
    if await common.has_audit(request, session):
        replays = list(
            (
                await session.execute(
                    select(audit)
                    .where(audit.c.dead_letter_id == dead_letter_id)
                    .where(audit.c.action != READ_ACTION)  # reads are not its history
                    .order_by(audit.c.id)
                )
            ).all()
        )
    seen = await caller_access(request, session, who)
    full = seen.full
    if seen.audited:
        reads = [Read(row.event_id, row.id)]
        await record_reads(session, who.subject, view_of(request), reads)
    payload: Any = row.payload
    if not full:
        payload = redact_raw(row.payload)
    else:
        with contextlib.suppress(ValueError):
            payload = json.loads(row.payload)
    summary = (await common.summaries(session, tables, [row], full))[0]
    return DeadLetterDetail(
        **summary.model_dump(),
        traceparent=row.traceparent,
        payload=payload,
        replays=[
            AuditEntry(action=r.action, actor=r.actor, at=r.at, detail=r.detail) for r in replays
        ],
    )


@router.post(
    "/dead-letters/{dead_letter_id}/replay",
    status_code=202,
    summary="Send a dead-lettered event again to its origin topic (same event id)",
)
async def ops_replay_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=MAX_DEAD_LETTER_ID)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> ReplayResult:
    row = await common.dead_letter(session, common.tables(request), dead_letter_id)
    await _replay(request, session, who, [row])
    return ReplayResult(replayed=[row.id], skipped=[])


@router.post(
    "/dead-letters/replay",
    status_code=202,
    summary="Replay dead letters in bulk: by ids, or every one of a type",
)
async def ops_replay_dead_letters(
    body: ReplayRequest, request: Request, session: SessionDep, who: Operator
) -> ReplayResult:
    if (body.ids is None) == (body.type is None):
        raise BadRequest("give either ids or type", detail_nb="oppgi enten ids eller type")
    tables = common.tables(request)
    dl = tables.dead_letters
    query = select(dl).order_by(dl.c.id).limit(MAX_BULK_REPLAY)
    if body.ids is not None:
        query = query.where(dl.c.id.in_(body.ids))
    else:
        query = query.where(dl.c.event_type.in_(common.resolve_types([str(body.type)]) or []))
        if not body.include_replayed:
            query = query.where(dl.c.replay_count == 0)
    rows = list((await session.execute(query)).all())
    skipped: list[int] = []
    if body.ids is not None:
        missing = set(body.ids) - {r.id for r in rows}
        if missing:
            raise NotFound(f"no dead letters {sorted(missing)}")
    elif not body.include_applied:
        applied = await common.applied(session, tables, [r.event_id for r in rows])
        skipped = [r.id for r in rows if r.event_id in applied]
        rows = [r for r in rows if r.event_id not in applied]
    await _replay(request, session, who, rows)
    return ReplayResult(replayed=[r.id for r in rows], skipped=skipped)


async def _replay(
    request: Request, session: AsyncSession, who: Principal, rows: list[Row[Any]]
) -> None:
    """Send first, then record: the database transaction is not held while the broker
    answers (ADR 0001). A failed send records nothing; the caller may simply try again."""
    if not rows:
        return
    if not await common.has_audit(request, session):
        raise ServiceUnavailable(
            "replay is not available: this service's migrations have not created ops_audit",
            detail_nb="avspilling er ikke tilgjengelig: tabellen ops_audit mangler",
        )
    settings: ServiceSettings = request.app.state.settings
    metrics: Metrics = request.app.state.metrics
    producer = new_producer(settings)
    try:
        await producer.start()
        futures = []
        for row in rows:
            headers: Headers = [
                ("nic_replay_of", str(row.id).encode()),
                *event_headers(row.traceparent),
            ]
            futures.append(
                await producer.send(
                    row.origin_topic,
                    value=row.payload.encode(),
                    key=row.key.encode() if row.key is not None else None,
                    headers=headers,
                )
            )
        for future in futures:
            await future
    except Exception as exc:
        raise ServiceUnavailable(
            f"the broker did not take the replay: {type(exc).__name__}",
            detail_nb="megleren tok ikke imot avspillingen",
            headers={"Retry-After": "5"},
        ) from exc
    finally:
        await producer.stop()
    now = datetime.now(UTC)
    dl = common.tables(request).dead_letters
    await session.execute(
        update(dl)
        .where(dl.c.id.in_([r.id for r in rows]))
        .values(replayed_at=now, replay_count=dl.c.replay_count + 1)
    )
    await session.execute(
        insert(common.OPS_AUDIT),
        [
            {
                "action": "dead_letter.replayed",
                "dead_letter_id": r.id,
                "event_id": r.event_id,
                "actor": who.subject,
                "detail": f"to {r.origin_topic}",
                "at": now,
            }
            for r in rows
        ],
    )
    for row in rows:
        metrics.dead_letter_replays.labels(type=row.event_type or "unparseable").inc()
    log.info(
        "dead letters replayed",
        extra={"ids": [r.id for r in rows], "actor": who.subject},
    )
