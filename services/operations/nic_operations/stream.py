"""Tail the platform's topics for one viewer: the SSE endpoint and the CLI share this.

Each viewer gets its own consumer with no consumer group at all (partitions assigned
explicitly), so it never joins, rebalances or commits anything in the services' groups.
It starts at "now" (the end of each partition) or at a time (`offsets_for_times`), and
since the embedded broker's offsets are approximate, records older than the start are
also dropped by their Kafka timestamp (the send time: a replayed dead letter counts as new,
though its event `time` is the original one).

Kafka orders events within a partition only. One application's events travel on four
topics, and a viewer fetching many partitions may receive a later event first, so records
wait a short reorder window (`reorder_ms`) and leave sorted by their timestamps: the
stream shows submitted -> assessed -> scored -> recommended in the order they happened.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from nic_shared.events import TOPICS, CloudEvent
from nic_shared.kafka import dlq_topic, header
from nic_shared.ops import resolve_types
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

ALL_TOPICS = tuple(TOPICS) + tuple(dlq_topic(t) for t in TOPICS)


@dataclass(frozen=True)
class StreamFilter:
    topics: tuple[str, ...] = tuple(TOPICS)
    types: tuple[str, ...] | None = None
    subject: str | None = None
    call_id: str | None = None

    @classmethod
    def build(
        cls,
        *,
        topics: list[str] | None = None,
        types: list[str] | None = None,
        subject: str | None = None,
        call_id: str | None = None,
    ) -> StreamFilter:
        unknown = [t for t in topics or [] if t not in ALL_TOPICS]
        if unknown:
            raise ValueError(f"unknown topics {unknown}; known: {list(ALL_TOPICS)}")
        resolved = resolve_types(types)
        return cls(
            topics=tuple(topics) if topics else tuple(TOPICS),
            types=tuple(resolved) if resolved is not None else None,
            subject=subject,
            call_id=call_id,
        )

    def matches(self, item: StreamedEvent) -> bool:
        if self.types is not None and item.type not in self.types:
            return False
        if self.subject is not None and item.subject != self.subject:
            return False
        return self.call_id is None or item.call_id == self.call_id


@dataclass(frozen=True)
class StreamedEvent:
    topic: str
    partition: int
    offset: int
    id: str
    type: str
    subject: str
    source: str
    time: datetime
    call_id: str | None
    traceparent: str | None
    data: dict[str, Any]
    error: str | None = None
    """On a dead-letter topic: why the consumer gave up."""

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "id": self.id,
            "type": self.type,
            "subject": self.subject,
            "source": self.source,
            "time": self.time.isoformat(),
            "call_id": self.call_id,
            "traceparent": self.traceparent,
            "error": self.error,
            "data": self.data,
        }


def parse_since(value: str | None) -> datetime | None:
    """`now` (or nothing) -> None, meaning the end of each partition; else an ISO time."""
    if value is None or value == "now":
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("give the time with its zone, e.g. 2026-11-23T10:00:00+00:00")
    return moment.astimezone(UTC)


def _decode(settings: ServiceSettings, record: Any) -> StreamedEvent | None:
    try:
        event = CloudEvent.from_bytes(record.value)
    except (ValidationError, ValueError):
        return None
    topic = record.topic.removeprefix(settings.kafka_topic_prefix)
    call_id = event.data.get("call_id")
    return StreamedEvent(
        topic=topic,
        partition=record.partition,
        offset=record.offset,
        id=event.id,
        type=event.type,
        subject=event.subject,
        source=event.source,
        time=event.time,
        call_id=str(call_id) if call_id is not None else None,
        traceparent=event.traceparent,
        data=event.data,
        error=header(record.headers, "nic_error"),
    )


async def tail(
    settings: ServiceSettings,
    flt: StreamFilter,
    since: datetime | None,
    *,
    poll_ms: int = 500,
    reorder_ms: int = 200,
) -> AsyncIterator[StreamedEvent | None]:
    """Matching events as they arrive, from `since` (None: from now).

    Yields None once positioned, then after each empty poll, so a caller can say it is
    ready, send keep-alives or stop.
    """
    start = since or datetime.now(UTC)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        client_id=f"nic-operations-viewer-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        fetch_max_wait_ms=max(settings.kafka_fetch_max_wait_ms, 100),
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, [settings.topic(t) for t in flt.topics])
        consumer.assign(partitions)
        await _seek(consumer, partitions, since)
        # the embedded broker's offsets are approximate: also drop events before the start,
        # less a little for clocks (an event's time is set by its producer)
        not_before = start - timedelta(seconds=1 if since is None else 0)
        cutoff_ms = int(not_before.timestamp() * 1000)
        yield None  # positioned: events from here on are the viewer's
        held: list[tuple[float, Any]] = []  # (arrival, record) in the reorder window
        while True:
            wait_ms = min(poll_ms, max(reorder_ms, 10)) if held else poll_ms
            batches = await consumer.getmany(timeout_ms=wait_ms, max_records=500)
            now = time.monotonic()
            for items in batches.values():
                held += [(now, r) for r in items if r.timestamp >= cutoff_ms]
            due, held = _release(held, now, reorder_ms / 1000)
            if not due and not batches:
                yield None
            for record in due:
                item = _decode(settings, record)
                if item is not None and flt.matches(item):
                    yield item
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()


def _release(
    held: list[tuple[float, Any]], now: float, window_s: float
) -> tuple[list[Any], list[tuple[float, Any]]]:
    """Records to emit now, in timestamp order, and those still held.

    A record is released once it has waited the window, together with every held record
    whose timestamp is not later than its own (they happened before it).
    """
    ripe = [r.timestamp for arrived, r in held if arrived + window_s <= now]
    if not ripe:
        return [], held
    upto = max(ripe)
    due = sorted((r for _, r in held if r.timestamp <= upto), key=lambda r: r.timestamp)
    return due, [(a, r) for a, r in held if r.timestamp > upto]


async def _partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    await consumer.topics()  # fetches the cluster metadata
    partitions: list[TopicPartition] = []
    for topic in topics:
        for number in sorted(consumer.partitions_for_topic(topic) or []):
            partitions.append(TopicPartition(topic, number))
    if not partitions:
        raise LookupError(f"none of the topics exist yet: {topics}")
    return partitions


async def _seek(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], since: datetime | None
) -> None:
    if since is None:
        await consumer.seek_to_end(*partitions)
        return
    millis = int(since.timestamp() * 1000)
    found = await consumer.offsets_for_times(dict.fromkeys(partitions, millis))
    for tp in partitions:
        hit = found.get(tp)
        if hit is None:
            await consumer.seek_to_end(tp)  # nothing at or after `since` in this partition
        else:
            consumer.seek(tp, hit.offset)
