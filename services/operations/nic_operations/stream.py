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

A viewer that lost its connection resumes where it was (`Position`, the SSE `id:` of every
message): per partition, the offset of the first record it has not been given, and the
Kafka timestamp before which nothing is shown. Offsets are exact even where the embedded
broker's end offsets are not, and a partition is given out in offset order (see
`_release`), so "everything before this offset" is precisely what the viewer has had.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from nic_shared.events import CATALOGUE, TOPICS, CloudEvent
from nic_shared.events.redaction import redact_data, scrub_error
from nic_shared.kafka import dlq_topic, header, stop_client
from nic_shared.ops import resolve_types
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

ALL_TOPICS = tuple(TOPICS) + tuple(dlq_topic(t) for t in TOPICS)
_TOPIC_NAMES = "|".join(re.escape(t) for t in ALL_TOPICS)
_CELLS = "[0-9a-z]{0,13}(?:,[0-9a-z]{0,13})*"
RESUME_ID_PATTERN = rf"^(?:1~[0-9a-z]{{1,13}}(?:~(?:{_TOPIC_NAMES}):{_CELLS})*)?$"
"""The shape of the ids this stream gives out (Position.encode), empty meaning none."""


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
        strange = [t for t in resolved or [] if t not in CATALOGUE]
        if strange:
            raise ValueError(f"unknown event types {strange}; see /asyncapi.json")
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

    def to_json(self, *, full: bool) -> dict[str, Any]:
        """`full` only for those who may read the content (see nic_shared.events.redaction)."""
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
            "error": self.error if full else scrub_error(self.error),
            "data": self.data if full else redact_data(self.type, self.data),
        }


def parse_since(value: str | None) -> datetime | None:
    """`now` (or nothing) -> None, meaning the end of each partition; else an ISO time."""
    if value is None or value == "now":
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("give the time with its zone, e.g. 2026-11-23T10:00:00+00:00")
    return moment.astimezone(UTC)


RESUME_VERSION = "1"
MAX_RESUME_ID = 4096
_B36 = re.compile(r"[0-9a-z]{1,13}")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _b36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if number == 0:
            return text


def _int36(text: str, what: str) -> int:
    if not _B36.fullmatch(text):
        raise ValueError(f"{what} {text!r} is not a base-36 number")
    return int(text, 36)


@dataclass
class Position:
    """Where a viewer is in the stream, and how it says so in an SSE `id:`.

    `offsets`: per (topic without the deployment's prefix, partition), the offset of the
    first record not yet given out (given out: shown, or passed over by the filter or for
    being older than the start). `cutoff_ms`: records with an earlier Kafka timestamp are
    never shown (the start of the first connection, which a resumed one keeps).

    Encoded as `1~<cutoff>~<topic>:<offset of partition 0>,<of 1>,...~<topic>:...`, numbers
    in base 36: 134 characters for four topics of six partitions at offset 500. `~`, `:`
    and `,` cannot occur in a Kafka topic name.
    """

    cutoff_ms: int | None = None
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    def encode(self) -> str:
        by_topic: dict[str, dict[int, int]] = {}
        for (topic, partition), offset in sorted(self.offsets.items()):
            by_topic.setdefault(topic, {})[partition] = offset
        parts = [RESUME_VERSION, _b36(self.cutoff_ms or 0)]
        for topic, offsets in by_topic.items():
            cells = (_b36(offsets[p]) if p in offsets else "" for p in range(max(offsets) + 1))
            parts.append(f"{topic}:{','.join(cells)}")
        return "~".join(parts)

    @classmethod
    def decode(cls, text: str) -> Position:
        """The position an id names; ValueError saying what is wrong with a malformed one."""
        if len(text) > MAX_RESUME_ID:
            raise ValueError(f"longer than {MAX_RESUME_ID} characters")
        version, _, rest = text.partition("~")
        if version != RESUME_VERSION or not rest:
            raise ValueError(f"not an id this stream gave out (expected {RESUME_VERSION}~...)")
        cutoff, *groups = rest.split("~")
        position = cls(cutoff_ms=_int36(cutoff, "the start"))
        for group in groups:
            topic, colon, cells = group.partition(":")
            if not colon:
                raise ValueError(f"{group!r} is not <topic>:<offsets>")
            if topic not in ALL_TOPICS:
                raise ValueError(f"unknown topic {topic!r}")
            values = cells.split(",")
            if len(values) > 10_000:
                raise ValueError(f"too many partitions for {topic}")
            for partition, cell in enumerate(values):
                if cell:
                    position.offsets[(topic, partition)] = _int36(cell, f"{topic}/{partition}")
        return position


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
    position: Position | None = None,
    poll_ms: int = 500,
    reorder_ms: int = 200,
) -> AsyncIterator[StreamedEvent | None]:
    """Matching events as they arrive, from `since` (None: from now).

    Yields None once positioned, then after each empty poll, so a caller can say it is
    ready, send keep-alives or stop.

    `position`, when given, is kept current: at each yield it says where to resume so as to
    get exactly what comes after. When it arrives holding a start (decoded from the id of a
    message a viewer received), the tail resumes right after that message and `since` is
    not used; a partition it does not name starts at that start time.
    """
    position = position if position is not None else Position()
    resuming = position.cutoff_ms is not None
    if position.cutoff_ms is None:
        start = since or datetime.now(UTC)
        # the embedded broker's offsets are approximate: also drop events before the start,
        # less a little for clocks (an event's time is set by its producer)
        not_before = start - timedelta(seconds=1 if since is None else 0)
        position.cutoff_ms = int(not_before.timestamp() * 1000)
    cutoff_ms = position.cutoff_ms
    prefix = settings.kafka_topic_prefix
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        client_id=f"nic-operations-viewer-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        # resuming at an offset the partition no longer holds (retention, a fresh broker):
        # the earliest it has, still no earlier than the start, loses the least
        auto_offset_reset="earliest" if resuming else "latest",
        fetch_max_wait_ms=max(settings.kafka_fetch_max_wait_ms, 100),
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, [settings.topic(t) for t in flt.topics])
        consumer.assign(partitions)
        if resuming:
            await _seek_resume(consumer, partitions, position, prefix)
        else:
            await _seek(consumer, partitions, since)
        position.offsets = {
            (tp.topic.removeprefix(prefix), tp.partition): await consumer.position(tp)
            for tp in partitions
        }
        yield None  # positioned: events from here on are the viewer's
        held: list[tuple[float, int, Any]] = []  # (arrival, order stamp, record) in the window
        latest: dict[tuple[str, int], int] = {}  # per partition, the highest timestamp seen
        while True:
            wait_ms = min(poll_ms, max(reorder_ms, 10)) if held else poll_ms
            batches = await consumer.getmany(timeout_ms=wait_ms, max_records=500)
            now = time.monotonic()
            for tp, items in batches.items():
                for record in items:
                    key = (tp.topic, tp.partition)
                    stamp = max(latest.get(key, record.timestamp), record.timestamp)
                    latest[key] = stamp
                    held.append((now, stamp, record))
            due, held = _release(held, now, reorder_ms / 1000)
            if not due and not batches:
                yield None
            for record in due:
                key = (record.topic.removeprefix(prefix), record.partition)
                position.offsets[key] = max(position.offsets.get(key, 0), record.offset + 1)
                if record.timestamp < cutoff_ms:
                    continue
                item = _decode(settings, record)
                if item is not None and flt.matches(item):
                    yield item
    finally:
        await stop_client(consumer)


def _release(
    held: list[tuple[float, int, Any]], now: float, window_s: float
) -> tuple[list[Any], list[tuple[float, int, Any]]]:
    """Records to emit now, in timestamp order, and those still held.

    A record is released once it has waited the window, together with every held record
    whose timestamp is not later than its own (they happened before it). Records are
    ordered by their stamp: the timestamp, raised to the highest one seen earlier in the
    same partition. Timestamps within a partition normally rise already; where a producer's
    clock makes one fall, the stamp keeps the partition's records leaving in offset order,
    which is what lets a resume point be one offset per partition.
    """
    ripe = [stamp for arrived, stamp, _ in held if arrived + window_s <= now]
    if not ripe:
        return [], held
    upto = max(ripe)
    due = sorted((h for h in held if h[1] <= upto), key=lambda h: h[1])  # stable: arrival order
    return [r for _, _, r in due], [h for h in held if h[1] > upto]


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


async def _seek_resume(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    position: Position,
    prefix: str,
) -> None:
    """Each partition at the offset the position names; one it does not name, at its start."""
    unnamed: list[TopicPartition] = []
    for tp in partitions:
        offset = position.offsets.get((tp.topic.removeprefix(prefix), tp.partition))
        if offset is None:
            unnamed.append(tp)
        else:
            consumer.seek(tp, offset)
    if unnamed:
        start = datetime.fromtimestamp((position.cutoff_ms or 0) / 1000, UTC)
        await _seek(consumer, unnamed, start)
