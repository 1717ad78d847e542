"""Operations endpoints every service carries (`/v1/ops/...`, role operations or programme officer).

- dead letters: list, inspect, replay one or in bulk. A replay sends the original record
  again to its origin topic with the same event id, so a consumer that already applied it
  skips it (the inbox), and one that had not applies it once. Every replay is audited in
  `ops_audit` (who, when, which dead letter) and counted on the dead-letter row.
- events: this service's part of an entity's trail — the events it published (its retained
  outbox), the events it consumed (its inbox, by event id) and its dead letters.
- status: outbox backlog and the oldest unsent row's age, consumer lag, dead letters.

The audit table comes from `messaging_tables.create_ops_tables(op)` in a service migration.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import MetaData, Row, Table, func, insert, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.auth import Principal, Role, require
from nic_shared.db import SessionDep
from nic_shared.events import CATALOGUE
from nic_shared.events.redaction import redact_data, redact_raw, scrub_error, sees_full_payloads
from nic_shared.http import decode_cursor, encode_cursor
from nic_shared.kafka import Headers, event_headers, new_producer
from nic_shared.messaging_tables import MessagingTables, define_ops_tables
from nic_shared.metrics import Metrics
from nic_shared.problems import BadRequest, NotFound, ServiceUnavailable
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

OPS_AUDIT: Table = define_ops_tables(MetaData())
"""The audit table, for queries (each service's migrations create it)."""

Operator = Annotated[Principal, Depends(require(Role.OPERATIONS, Role.PROGRAMME_OFFICER))]

MAX_BULK_REPLAY = 500


def short_type(event_type: str) -> str:
    """`no.nic.application.submitted.v1` -> `application.submitted`."""
    name = event_type.removeprefix("no.nic.")
    head, _, version = name.rpartition(".")
    return head if head and version.startswith("v") and version[1:].isdigit() else name


def resolve_types(names: list[str] | None) -> list[str] | None:
    """Full event types for names given in full or short (`application.submitted`) form."""
    if not names:
        return None
    wanted: list[str] = []
    for name in names:
        matches = [t for t in CATALOGUE if t == name or short_type(t) == name]
        wanted += matches or [name]  # an unknown type matches nothing, which is the answer
    return wanted


# ---- response models ------------------------------------------------------------------


class DeadLetterSummary(BaseModel):
    id: int
    event_id: str
    event_type: str | None
    consumer_group: str
    origin_topic: str
    origin_partition: int
    origin_offset: int
    key: str | None
    error_type: str
    error: str
    attempts: int
    dead_lettered_at: datetime
    replayed_at: datetime | None
    replay_count: int
    applied: bool = Field(description="The event id is in this service's inbox: it took effect.")


class AuditEntry(BaseModel):
    action: str
    actor: str
    at: datetime
    detail: str | None


class DeadLetterDetail(DeadLetterSummary):
    traceparent: str | None
    payload: Any = Field(description="The original record: parsed JSON, or the raw text.")
    replays: list[AuditEntry]


class DeadLetterPage(BaseModel):
    items: list[DeadLetterSummary]
    next_cursor: str | None


class ReplayRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ids": [12, 13]}, {"type": "application.submitted"}],
        },
    )

    ids: list[int] | None = Field(default=None, max_length=MAX_BULK_REPLAY)
    type: str | None = Field(default=None, description="Replay every dead letter of this type.")
    include_applied: bool = Field(
        default=False, description="With `type`: also those whose event already took effect."
    )
    include_replayed: bool = Field(
        default=False, description="With `type`: also those replayed before."
    )


class ReplayResult(BaseModel):
    replayed: list[int]
    skipped: list[int]


class PublishedEvent(BaseModel):
    event_id: str
    type: str
    subject: str
    topic: str
    time: datetime
    sent_at: datetime | None
    traceparent: str | None
    data: dict[str, Any]


class ConsumedEvent(BaseModel):
    event_id: str
    type: str
    topic: str
    partition: int
    offset: int
    processed_at: datetime


class EventTrail(BaseModel):
    service: str
    published: list[PublishedEvent]
    consumed: list[ConsumedEvent]
    dead_letters: list[DeadLetterSummary]


class PartitionLag(BaseModel):
    topic: str
    partition: int
    lag: int


class OpsStatus(BaseModel):
    service: str
    broker_connected: bool
    consumer_connected: bool | None
    consumer_group: str | None
    outbox_unsent: int
    outbox_oldest_unsent_age_s: float
    outbox_retained: int
    consumer_lag: list[PartitionLag]
    dead_letters: int
    dead_letters_unreplayed: int


# ---- helpers --------------------------------------------------------------------------


def _tables(request: Request) -> MessagingTables:
    tables: MessagingTables = request.app.state.tables
    return tables


def _summary(row: Row[Any], applied: bool, full: bool) -> DeadLetterSummary:
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


async def _has_audit(request: Request, session: AsyncSession) -> bool:
    """Whether this service's migrations created `ops_audit` yet (remembered once true)."""
    if getattr(request.app.state, "ops_audit_ready", False):
        return True
    found = await session.run_sync(
        lambda sync: inspect(sync.connection()).has_table(OPS_AUDIT.name)
    )
    request.app.state.ops_audit_ready = bool(found)
    return bool(found)


async def _applied(session: AsyncSession, tables: MessagingTables, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    rows = await session.scalars(
        select(tables.inbox.c.event_id).where(tables.inbox.c.event_id.in_(set(ids)))
    )
    return set(rows)


async def _summaries(
    session: AsyncSession, tables: MessagingTables, rows: list[Row[Any]], full: bool
) -> list[DeadLetterSummary]:
    """`full`: the caller may read payloads; otherwise quoted input values are scrubbed."""
    applied = await _applied(session, tables, [r.event_id for r in rows])
    return [_summary(r, r.event_id in applied, full) for r in rows]


# ---- the router -----------------------------------------------------------------------

_P: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(
    prefix="/v1/ops",
    tags=["operations"],
    responses={
        401: {"description": "No valid token", **_P},
        403: {"description": "Not operations or a programme officer", **_P},
    },
)


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
    tables = _tables(request)
    dl = tables.dead_letters
    query = select(dl).order_by(dl.c.id.desc()).limit(limit + 1)
    types = resolve_types(type)
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
    return DeadLetterPage(
        items=await _summaries(session, tables, rows, sees_full_payloads(who)),
        next_cursor=encode_cursor(rows[-1].id) if more and rows else None,
    )


@router.get("/dead-letters/{dead_letter_id}", summary="One dead letter with its replay history")
async def ops_get_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> DeadLetterDetail:
    tables = _tables(request)
    row = await _dead_letter(session, tables, dead_letter_id)
    replays = []
    if await _has_audit(request, session):
        replays = list(
            (
                await session.execute(
                    select(OPS_AUDIT)
                    .where(OPS_AUDIT.c.dead_letter_id == dead_letter_id)
                    .order_by(OPS_AUDIT.c.id)
                )
            ).all()
        )
    full = sees_full_payloads(who)
    payload: Any = row.payload
    if not full:
        payload = redact_raw(row.payload)
    else:
        with contextlib.suppress(ValueError):
            payload = json.loads(row.payload)
    summary = (await _summaries(session, tables, [row], full))[0]
    return DeadLetterDetail(
        **summary.model_dump(),
        traceparent=row.traceparent,
        payload=payload,
        replays=[
            AuditEntry(action=r.action, actor=r.actor, at=r.at, detail=r.detail) for r in replays
        ],
    )


async def _dead_letter(session: AsyncSession, tables: MessagingTables, id_: int) -> Row[Any]:
    row = (
        await session.execute(select(tables.dead_letters).where(tables.dead_letters.c.id == id_))
    ).first()
    if row is None:
        raise NotFound(f"no dead letter {id_}", detail_nb=f"ingen død melding {id_}")
    return row


@router.post(
    "/dead-letters/{dead_letter_id}/replay",
    status_code=202,
    summary="Send a dead-lettered event again to its origin topic (same event id)",
)
async def ops_replay_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    session: SessionDep,
    who: Operator,
) -> ReplayResult:
    row = await _dead_letter(session, _tables(request), dead_letter_id)
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
    tables = _tables(request)
    dl = tables.dead_letters
    query = select(dl).order_by(dl.c.id).limit(MAX_BULK_REPLAY)
    if body.ids is not None:
        query = query.where(dl.c.id.in_(body.ids))
    else:
        query = query.where(dl.c.event_type.in_(resolve_types([str(body.type)]) or []))
        if not body.include_replayed:
            query = query.where(dl.c.replay_count == 0)
    rows = list((await session.execute(query)).all())
    skipped: list[int] = []
    if body.ids is not None:
        missing = set(body.ids) - {r.id for r in rows}
        if missing:
            raise NotFound(f"no dead letters {sorted(missing)}")
    elif not body.include_applied:
        applied = await _applied(session, tables, [r.event_id for r in rows])
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
    if not await _has_audit(request, session):
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
    dl = _tables(request).dead_letters
    await session.execute(
        update(dl)
        .where(dl.c.id.in_([r.id for r in rows]))
        .values(replayed_at=now, replay_count=dl.c.replay_count + 1)
    )
    await session.execute(
        insert(OPS_AUDIT),
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


@router.get("/events", summary="This service's part of an entity's trail")
async def ops_events(
    request: Request,
    session: SessionDep,
    who: Operator,
    subject: str | None = None,
    type: Annotated[list[str] | None, Query()] = None,
    event_id: Annotated[
        list[str] | None, Query(description="Consumed event ids to look up")
    ] = None,
    trace_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> EventTrail:
    if subject is None and not event_id and trace_id is None:
        raise BadRequest(
            "give a subject, event ids or a trace id",
            detail_nb="oppgi subject, hendelses-id-er eller trace-id",
        )
    tables = _tables(request)
    out, inbox, dl = tables.outbox, tables.inbox, tables.dead_letters
    types = resolve_types(type)
    full = sees_full_payloads(who)
    published: list[PublishedEvent] = []
    if subject is not None or trace_id is not None:
        query = select(out).order_by(out.c.id).limit(limit)
        if subject is not None:
            query = query.where(out.c.key == subject)
        if trace_id is not None:
            query = query.where(out.c.traceparent.like(f"00-{trace_id}-%"))
        if types is not None:
            query = query.where(out.c.event_type.in_(types))
        for row in (await session.execute(query)).all():
            envelope = json.loads(row.payload)
            published.append(
                PublishedEvent(
                    event_id=row.event_id,
                    type=row.event_type,
                    subject=row.key,
                    topic=row.topic,
                    time=row.created_at,
                    sent_at=row.sent_at,
                    traceparent=row.traceparent,
                    data=(
                        envelope.get("data", {})
                        if full
                        else redact_data(row.event_type, envelope.get("data"))
                    ),
                )
            )
    consumed: list[ConsumedEvent] = []
    if event_id:
        query = select(inbox).where(inbox.c.event_id.in_(event_id)).order_by(inbox.c.processed_at)
        consumed = [
            ConsumedEvent(
                event_id=r.event_id,
                type=r.event_type,
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                processed_at=r.processed_at,
            )
            for r in (await session.execute(query.limit(limit))).all()
        ]
    conditions = []
    if subject is not None:
        conditions.append(dl.c.key == subject)
    if event_id:
        conditions.append(dl.c.event_id.in_(event_id))
    dead: list[DeadLetterSummary] = []
    if conditions:
        rows = list(
            (await session.execute(select(dl).where(or_(*conditions)).order_by(dl.c.id))).all()
        )
        dead = await _summaries(session, tables, rows, full)
    return EventTrail(
        service=request.app.state.settings.service_name,
        published=published,
        consumed=consumed,
        dead_letters=dead,
    )


@router.get("/status", summary="Outbox backlog, consumer lag and dead letters")
async def ops_status(request: Request, session: SessionDep, _who: Operator) -> OpsStatus:
    tables = _tables(request)
    out, dl = tables.outbox, tables.dead_letters
    unsent, oldest = (
        await session.execute(
            select(func.count(), func.min(out.c.created_at)).where(out.c.sent_at.is_(None))
        )
    ).one()
    retained = await session.scalar(select(func.count()).select_from(out))
    dead, unreplayed = (
        await session.execute(
            select(func.count(), func.count().filter(dl.c.replay_count == 0)).select_from(dl)
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    metrics: Metrics = request.app.state.metrics
    lag = [
        PartitionLag(
            topic=s.labels["topic"], partition=int(s.labels["partition"]), lag=int(s.value)
        )
        for metric in metrics.consumer_lag.collect()
        for s in metric.samples
    ]
    consumer = request.app.state.consumer
    settings: ServiceSettings = request.app.state.settings
    return OpsStatus(
        service=settings.service_name,
        broker_connected=bool(request.app.state.relay.connected),
        consumer_connected=None if consumer is None else bool(consumer.connected),
        consumer_group=None if consumer is None else settings.consumer_group,
        outbox_unsent=int(unsent),
        outbox_oldest_unsent_age_s=(
            round((datetime.now(UTC) - oldest).total_seconds(), 3) if oldest else 0.0
        ),
        outbox_retained=int(retained or 0),
        consumer_lag=sorted(lag, key=lambda p: (p.topic, p.partition)),
        dead_letters=int(dead),
        dead_letters_unreplayed=int(unreplayed),
    )
