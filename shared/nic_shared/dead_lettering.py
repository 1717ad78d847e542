"""Dead-lettering one consumed record: to `<topic>.dlq` with why, and to the service's own
dead-letter table, where operators list, replay or discard it (`nic_shared.ops`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord
from sqlalchemy import insert

from nic_shared.db import Database
from nic_shared.events import CloudEvent
from nic_shared.kafka import Headers, dlq_topic, refresh_metadata
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics

log = logging.getLogger("nic_shared.consumer")


async def dead_letter(
    dlq: AIOKafkaProducer,
    db: Database,
    tables: MessagingTables,
    metrics: Metrics,
    *,
    group: str,
    record: ConsumerRecord[Any, Any],
    event: CloudEvent | None,
    exc: BaseException,
    attempts: int,
) -> None:
    """The record keeps its bytes and key; headers say the error, origin and attempts.
    `event` is None for a record that could not be parsed at all."""
    error = f"{type(exc).__name__}: {exc}"[:4000]
    event_id = event.id if event else f"{record.topic}:{record.partition}:{record.offset}"
    headers: Headers = list(record.headers or [])
    headers += [
        ("nic_error", error.encode()),
        ("nic_error_type", type(exc).__name__.encode()),
        ("nic_origin_topic", record.topic.encode()),
        ("nic_origin_partition", str(record.partition).encode()),
        ("nic_origin_offset", str(record.offset).encode()),
        ("nic_attempts", str(attempts).encode()),
        ("nic_consumer_group", group.encode()),
    ]
    await refresh_metadata(dlq)
    await dlq.send_and_wait(
        dlq_topic(record.topic), value=record.value, key=record.key, headers=headers
    )
    raw = _text(record.value) if record.value else ""
    async with db.transaction() as session:
        await session.execute(
            insert(tables.dead_letters).values(
                event_id=event_id,
                event_type=event.type if event else None,
                consumer_group=group,
                origin_topic=record.topic,
                origin_partition=record.partition,
                origin_offset=record.offset,
                key=_text(record.key) if record.key else None,
                payload=raw,
                traceparent=event.traceparent if event else None,
                error_type=type(exc).__name__,
                error=error.replace("\x00", "\ufffd"),
                attempts=attempts,
                dead_lettered_at=datetime.now(UTC),
            )
        )
    metrics.dead_letters.labels(type=event.type if event else "unparseable").inc()
    log.error("event dead-lettered", extra={"event_id": event_id, "error": error})


def _text(value: bytes) -> str:
    """The bytes as text a database column holds: undecodable bytes and NUL (which
    PostgreSQL's text refuses, failing the whole dead-lettering) become U+FFFD."""
    return value.decode(errors="replace").replace("\x00", "\ufffd")
