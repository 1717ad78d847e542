"""Idempotent event consumers: one DB transaction per event, offsets committed after it.

Each event is handled in one transaction that also records its id in the inbox; the Kafka
offset is committed only after that commit, so a redelivery (crash, rebalance, relay
re-send) finds the id and has no second effect.

Failures, by kind:
- `RetryLater` (e.g. the registry cannot answer): retried with capped backoff for as long
  as it takes; no decision is made on missing facts.
- any other exception: retried with backoff up to `consumer_max_attempts`, then the event
  goes to `<topic>.dlq` with the error and its origin in headers, and the partition moves on.
- an event that cannot be parsed (bad envelope or payload) is poison: straight to the DLQ.
A partition that waits for a retry is paused, so the others keep flowing and the consumer
keeps polling (no max-poll-interval eviction).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRecord,
    TopicPartition,
)
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared import tracing
from nic_shared.consumer_guard import PartitionCounts, ResetGuard, digest
from nic_shared.db import Database
from nic_shared.dead_lettering import dead_letter
from nic_shared.epoch import EPOCH_TOPIC, EpochProbe
from nic_shared.events import CloudEvent, EventPayload, parse
from nic_shared.kafka import dlq_topic, ensure_topics, new_producer, stop_client
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics
from nic_shared.retry import backoff_delay, backoff_delays
from nic_shared.settings import ServiceSettings
from nic_shared.waits import stop_if_cancelled

log = logging.getLogger(__name__)

P = TypeVar("P", bound=EventPayload)


class RetryLater(Exception):
    """A transient condition (a dependency is down): retry for as long as it takes."""


class CommitTimeout(Exception):
    """An offset commit did not finish in time: reconnect (the broker may have been reset)."""


class Poison(Exception):
    """The event can never be handled as it is: dead-letter it at once."""


@dataclass(frozen=True)
class Subscription(Generic[P]):
    """What a service does with one event type.

    `prepare` runs before the transaction (outside calls such as HTTP go here, so no
    database connection is held while waiting); its result is passed to `handle`.
    """

    payload_type: type[P]
    handle: Callable[[AsyncSession, P, CloudEvent, Any], Awaitable[None]]
    prepare: Callable[[P, CloudEvent], Awaitable[Any]] | None = None


@dataclass
class _Pending:
    attempts: int = 0
    resume_at: float = 0.0
    errors: list[str] = field(default_factory=list)


class EventConsumer:
    def __init__(
        self,
        *,
        db: Database,
        tables: MessagingTables,
        settings: ServiceSettings,
        metrics: Metrics,
        topics: list[str],
        subscriptions: list[Subscription[Any]],
    ) -> None:
        self.db = db
        self.tables = tables
        self.settings = settings
        self.metrics = metrics
        self.topics = [settings.topic(t) for t in topics]
        self.handlers = {s.payload_type.TYPE: s for s in subscriptions}
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None
        self._pending: dict[tuple[TopicPartition, int], _Pending] = {}
        self._paused: dict[TopicPartition, float] = {}
        self.connected = False
        self._lag_at = 0.0
        # Per partition (offset, digest of its bytes): the last record handled, and the
        # anchor the guard reads again after a reassignment (see ResetGuard).
        self._last: dict[TopicPartition, tuple[int, bytes]] = {}
        self._anchors: dict[TopicPartition, tuple[int, bytes]] = {}
        self._guard: ResetGuard | None = None
        self._epoch = EpochProbe(settings)  # kept across reconnects: a reset is a change
        self._counts: PartitionCounts | None = None

    async def run(self) -> None:
        delays = backoff_delays(0.2, self.settings.consumer_backoff_max_s)
        while True:
            try:
                await self._connect()
                delays.reset()
                await self._poll_forever()
            except asyncio.CancelledError:
                await asyncio.shield(self.stop())
                raise
            except Exception as exc:
                log.warning("consumer failed; reconnecting", extra={"error": repr(exc)})
                await self.stop()
                await asyncio.sleep(next(delays))

    @property
    def connected(self) -> bool:
        return self._connected

    @connected.setter
    def connected(self, up: bool) -> None:
        """Kept in step with the `nic_broker_connected` gauge (readiness leaves it out)."""
        self._connected = up
        self.metrics.broker_connected.labels(link="consumer").set(1 if up else 0)

    async def stop(self) -> None:
        self.connected = False
        consumer, self._consumer = self._consumer, None
        dlq, self._dlq = self._dlq, None
        for client in (consumer, dlq):
            if client is not None:
                await stop_client(client)
        await self._epoch.close()

    async def _connect(self) -> None:
        epoch_topic = self.settings.topic(EPOCH_TOPIC)
        await ensure_topics(
            self.settings, [*self.topics, *(dlq_topic(t) for t in self.topics), epoch_topic]
        )
        self._dlq = new_producer(self.settings)
        await self._dlq.start()
        replaced = await self._epoch.changed(self._dlq, now_please=True)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=self.settings.consumer_group,
            client_id=f"nic-{self.settings.service_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # New partitions (a topic re-created with more after a broker reset) are noticed
            # within seconds, not aiokafka's default five minutes.
            metadata_max_age_ms=5000,
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
            session_timeout_ms=self.settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=self.settings.kafka_heartbeat_interval_ms,
            request_timeout_ms=max(
                self.settings.kafka_request_timeout_ms,
                self.settings.kafka_session_timeout_ms + 1000,
            ),
        )
        await self._consumer.start()
        self._guard = ResetGuard(self._consumer, self._last, self._anchors, from_start=replaced)
        if replaced:
            self._last.clear()
            self._anchors.clear()
        self._consumer.subscribe(self.topics, listener=self._guard)
        self._paused.clear()
        self._pending.clear()
        self._counts = PartitionCounts(self.topics)
        self.connected = True

    async def _poll_forever(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        while True:
            stop_if_cancelled()
            self._resume_due(consumer)
            batches = await consumer.getmany(timeout_ms=100, max_records=200)
            for tp, records in batches.items():
                await self._handle_partition(consumer, tp, records)
            await self._record_lag(consumer)
            if self._counts is not None:
                self._counts.check(consumer)
            await self._check_epoch(consumer)

    def _resume_due(self, consumer: AIOKafkaConsumer) -> None:
        now = time.monotonic()
        due = [tp for tp, at in self._paused.items() if at <= now]
        for tp in due:
            del self._paused[tp]
        if due:
            consumer.resume(*due)

    async def _handle_partition(
        self,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        records: list[ConsumerRecord[Any, Any]],
    ) -> None:
        guard = self._guard
        for record in records:
            if tp in self._paused:
                return
            if guard is not None and not await guard.verified(tp, record):
                return
            done = await self._handle_record(record)
            if not done:
                consumer.seek(tp, record.offset)
                consumer.pause(tp)
                self._paused[tp] = self._pending[(tp, record.offset)].resume_at
                return
            await self._commit(consumer, tp, record.offset + 1)
            self._last[tp] = (record.offset, digest(record.value))
            self._anchors.setdefault(tp, self._last[tp])

    async def _commit(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        """Commit, but not forever: aiokafka retries a retriable error (such as the unknown
        topic a restarted, emptied broker answers) without end. Past the request timeout we
        reconnect instead, which re-creates the topics; the event is in the inbox already."""
        timeout_s = self.settings.kafka_request_timeout_ms / 1000
        try:
            async with asyncio.timeout(timeout_s):
                await consumer.commit({tp: offset})
        except TimeoutError as exc:
            raise CommitTimeout(f"offset commit on {tp} took over {timeout_s}s") from exc

    async def _handle_record(self, record: ConsumerRecord[Any, Any]) -> bool:
        """True when the record is finished with (handled, skipped or dead-lettered)."""
        tp = TopicPartition(record.topic, record.partition)
        try:
            event = CloudEvent.from_bytes(record.value)
        except (ValidationError, ValueError) as exc:
            await self._dead_letter(record, None, exc, attempts=1)
            return True
        subscription = self.handlers.get(event.type)
        if subscription is None:
            return True  # not ours: other services' events share the topic
        type_label = event.type
        trace = tracing.continue_from(event.traceparent)
        token = tracing.activate(trace)
        started = time.perf_counter()
        outcome = "interrupted"  # how its span ends, where spans are exported
        failure: Exception | None = None
        try:
            payload = parse(event)
            context = await subscription.prepare(payload, event) if subscription.prepare else None
            applied = await self._apply(record, event, payload, subscription, context)
            outcome = "applied" if applied else "duplicate"
        except (ValidationError, Poison) as exc:
            failure = exc
            await self._dead_letter(record, event, exc, attempts=1)
            outcome = "dead_lettered"
            self._pending.pop((tp, record.offset), None)
            return True
        except Exception as exc:
            failure = exc
            done = await self._failed(record, event, exc)
            outcome = "dead_lettered" if done else "retry"
            return done
        finally:
            tracing.deactivate(token)
            tracing.event_handled(
                event,
                trace,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                group=self.settings.consumer_group,
                started=started,
                outcome=outcome,
                failure=failure,
            )
        self._pending.pop((tp, record.offset), None)
        self.metrics.event_handling.labels(type=type_label).observe(time.perf_counter() - started)
        self.metrics.events_consumed.labels(
            type=type_label, outcome="applied" if applied else "duplicate"
        ).inc()
        return True

    async def _apply(
        self,
        record: ConsumerRecord[Any, Any],
        event: CloudEvent,
        payload: EventPayload,
        subscription: Subscription[Any],
        context: Any,
    ) -> bool:
        inbox = self.tables.inbox
        async with self.db.transaction() as session:
            seen = await session.scalar(
                select(inbox.c.event_id).where(inbox.c.event_id == event.id)
            )
            if seen is not None:
                log.info("duplicate event skipped", extra={"event_id": event.id})
                return False
            await subscription.handle(session, payload, event, context)
            await session.execute(
                insert(inbox).values(
                    event_id=event.id,
                    event_type=event.type,
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    processed_at=datetime.now(UTC),
                )
            )
        return True

    async def _failed(
        self, record: ConsumerRecord[Any, Any], event: CloudEvent, exc: Exception
    ) -> bool:
        tp = TopicPartition(record.topic, record.partition)
        pending = self._pending.setdefault((tp, record.offset), _Pending())
        pending.attempts += 1
        pending.errors.append(repr(exc))
        transient = isinstance(exc, RetryLater)
        if not transient and pending.attempts >= self.settings.consumer_max_attempts:
            await self._dead_letter(record, event, exc, attempts=pending.attempts)
            del self._pending[(tp, record.offset)]
            return True
        delay = backoff_delay(
            pending.attempts,
            first=self.settings.consumer_backoff_initial_s,
            maximum=self.settings.consumer_backoff_max_s,
        )
        pending.resume_at = time.monotonic() + delay
        self.metrics.consumer_retries.labels(type=event.type).inc()
        log.warning(
            "event handling failed; will retry",
            extra={
                "event_id": event.id,
                "attempt": pending.attempts,
                "error": repr(exc),
                "retry_in_s": round(delay, 3),
            },
        )
        return False

    async def _dead_letter(
        self,
        record: ConsumerRecord[Any, Any],
        event: CloudEvent | None,
        exc: BaseException,
        *,
        attempts: int,
    ) -> None:
        assert self._dlq is not None
        await dead_letter(
            self._dlq,
            self.db,
            self.tables,
            self.metrics,
            group=self.settings.consumer_group,
            record=record,
            event=event,
            exc=exc,
            attempts=attempts,
        )

    async def _record_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Consumer lag per partition, at most once a second (it is a gauge, not a log)."""
        now = time.monotonic()
        if now - self._lag_at < 1.0:
            return
        self._lag_at = now
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            lag = max(highwater - await consumer.position(tp), 0)
            self.metrics.consumer_lag.labels(topic=tp.topic, partition=str(tp.partition)).set(lag)

    async def _check_epoch(self, consumer: AIOKafkaConsumer) -> None:
        """Every few seconds: still the broker we were reading? Until the group notices a
        restart (a heartbeat later), the consumer fetches the fresh log from where it stood
        in the old one and would skip what lies before."""
        if self._dlq is None or self._guard is None:
            return
        if await self._epoch.changed(self._dlq):
            self._pending.clear()
            self._paused.clear()
            consumer.resume(*consumer.assignment())
            await self._guard.restart_all("the broker's epoch marker changed")
