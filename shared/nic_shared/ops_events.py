"""This service's part of an entity's trail (`/v1/ops/events`: the events it published from
its retained outbox, those it consumed from its inbox, its dead letters) and its status
(`/v1/ops/status`: outbox backlog and the oldest unsent row's age, consumer lag, dead letters).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, or_, select

from nic_shared import ops_common as common
from nic_shared.db import SessionDep
from nic_shared.events.redaction import redact_data
from nic_shared.metrics import Metrics
from nic_shared.ops_access import Read, caller_access, record_reads, view_of
from nic_shared.ops_common import Operator
from nic_shared.ops_schemas import (
    ConsumedEvent,
    DeadLetterSummary,
    EventTrail,
    OpsStatus,
    PartitionLag,
    PublishedEvent,
)
from nic_shared.problems import BadRequest
from nic_shared.settings import ServiceSettings

router = APIRouter()


@router.get(
    "/events",
    summary="This service's part of an entity's trail",
    description="Give at least one of `subject`, `event_id` and `trace_id` (a rule across "
    "parameters that the schema cannot state): without any, 400 `bad-request`.",
)
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
    tables = common.tables(request)
    out, inbox, dl = tables.outbox, tables.inbox, tables.dead_letters
    types = common.resolve_types(type)
    seen = await caller_access(request, session, who)
    full = seen.full
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
        dead = await common.summaries(session, tables, rows, full)
    if seen.audited:
        reads = [Read(e.event_id) for e in published] + [Read(d.event_id, d.id) for d in dead]
        await record_reads(session, who.subject, view_of(request), reads)
    return EventTrail(
        service=request.app.state.settings.service_name,
        published=published,
        consumed=consumed,
        dead_letters=dead,
    )


@router.get("/status", summary="Outbox backlog, consumer lag and dead letters")
async def ops_status(request: Request, session: SessionDep, _who: Operator) -> OpsStatus:
    tables = common.tables(request)
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
