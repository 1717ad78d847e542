"""The transactional outbox: events are written with the change, and a relay publishes them.

`record(session, payload)` adds the event to the caller's transaction: no event for a change
that rolled back, no committed change without its event. The relay, a task owned by the
app's lifespan, publishes unsent rows in order (key = subject, acks=all), then marks them
sent. It wakes right after a commit that recorded events, polls as a fallback, and backs
off while the broker is down. A crash between publish and mark re-sends; consumers dedupe.
Sent rows are kept `outbox_retention_hours` (for republishing), then pruned by
`nic_shared.retention`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared import tracing
from nic_shared.db import Database, is_sqlite, notify_commit
from nic_shared.epoch import EPOCH_TOPIC, EpochProbe
from nic_shared.events import TOPICS, CloudEvent, EventPayload, new_event
from nic_shared.kafka import (
    dlq_topic,
    ensure_topics,
    event_headers,
    new_producer,
    refresh_metadata,
    stop_client,
)
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics
from nic_shared.retry import backoff_delays
from nic_shared.settings import ServiceSettings
from nic_shared.waits import stop_if_cancelled, wake_or_timeout

log = logging.getLogger(__name__)

"""One marker record: a broker that lost its data has none, or another one."""


async def record(session: AsyncSession, payload: EventPayload) -> CloudEvent:
    """Write the event into the caller's transaction; it is published after the commit."""
    tables: MessagingTables = session.info["messaging"]
    trace = tracing.current()
    traceparent = trace.child().traceparent if trace else None
    event = new_event(payload, source=session.info["event_source"], traceparent=traceparent)
    await session.execute(
        insert(tables.outbox).values(
            event_id=event.id,
            event_type=event.type,
            topic=payload.TOPIC,
            key=event.subject,
            payload=event.model_dump_json(exclude_none=True),
            traceparent=traceparent,
            created_at=event.time,
        )
    )
    notify_commit(session)
    tracing.event_created(event, payload.TOPIC)
    return event


@asynccontextmanager
async def relay_turn(db: Database, service: str) -> AsyncIterator[bool]:
    """Whether this relay may publish now; held until the block ends.

    PostgreSQL: a transaction-level advisory lock on a connection of its own, held for one
    pass (select, send, mark). Another instance's relay finds it taken and waits for its next
    poll; an instance killed mid-pass loses its connection and with it the lock, and what it
    had not marked goes again (consumers dedupe). SQLite: one instance per database file
    (`serve` refuses a second), so the turn is always this relay's.
    """
    if is_sqlite(db.url):
        yield True
        return
    async with db.engine.connect() as connection, connection.begin():
        mine = await connection.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"),
            {"key": f"nic-outbox-relay:{service}"},
        )
        yield bool(mine)


class OutboxRelay:
    def __init__(
        self,
        *,
        db: Database,
        tables: MessagingTables,
        settings: ServiceSettings,
        metrics: Metrics,
    ) -> None:
        self.db = db
        self.tables = tables
        self.settings = settings
        self.metrics = metrics
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None
        self.connected = False
        self._backlog_at = 0.0
        # Broker-reset detection: the highest offset the broker gave each partition, and
        # when this relay first sent to the broker as it is now (see `_check_reset`).
        self._offsets: dict[tuple[str, int], int] = {}
        self._sending_since: datetime | None = None
        self._epoch = EpochProbe(settings)  # see `_probe_for_reset`
        # Rows sent whose marking failed (e.g. no database connection free): marked on the
        # next pass, never sent again.
        self._unmarked: tuple[list[int], datetime] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Publish forever; survive the broker being down or restarted."""
        delays = backoff_delays(0.1, self.settings.relay_backoff_max_s)
        while True:
            stop_if_cancelled()
            try:
                if self._producer is None:
                    await self._connect()
                published = await self.publish_pending()
                delays.reset()
                await self._probe_for_reset()
                if published < self.settings.relay_batch_size:
                    await wake_or_timeout(self._wake, self.settings.relay_poll_interval_s)
            except asyncio.CancelledError:
                await asyncio.shield(self._disconnect())
                raise
            except Exception as exc:  # the broker or database is away: back off, retry
                log.warning("outbox relay failed; backing off", extra={"error": repr(exc)})
                await self._disconnect()
                await asyncio.sleep(next(delays))

    async def stop(self) -> None:
        await self._disconnect()

    async def _connect(self) -> None:
        producer = new_producer(self.settings)
        try:
            await producer.start()
            topics = [self.settings.topic(t) for t in TOPICS]
            await ensure_topics(
                self.settings,
                [*topics, *(dlq_topic(t) for t in topics), self.settings.topic(EPOCH_TOPIC)],
            )
        except BaseException:
            await stop_client(producer)
            raise
        self._producer = producer
        self.connected = True
        log.info("outbox relay connected to the broker")
        await self._probe_for_reset(now_please=True)  # know the epoch before sending

    @property
    def connected(self) -> bool:
        return self._connected

    @connected.setter
    def connected(self, up: bool) -> None:
        """Kept in step with the `nic_broker_connected` gauge (readiness leaves it out)."""
        self._connected = up
        self.metrics.broker_connected.labels(link="relay").set(1 if up else 0)

    async def _disconnect(self) -> None:
        self.connected = False
        producer, self._producer = self._producer, None
        if producer is not None:
            await stop_client(producer)
        await self._epoch.close()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in order and mark them sent; returns the count.

        Only while this relay holds the service's turn (`relay_turn`): of several instances
        one publishes at a time, so each row goes once and in order.
        """
        assert self._producer is not None
        await self._mark_unmarked()
        async with relay_turn(self.db, self.settings.service_name) as mine:
            if not mine:
                return 0
            return await self._publish_batch()

    async def _publish_batch(self) -> int:
        assert self._producer is not None
        outbox = self.tables.outbox
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(
                        outbox.c.id,
                        outbox.c.topic,
                        outbox.c.key,
                        outbox.c.payload,
                        outbox.c.event_type,
                        outbox.c.traceparent,
                    )
                    .where(outbox.c.sent_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self.settings.relay_batch_size)
                )
            ).all()
        if rows:
            await refresh_metadata(self._producer)
            # Send the whole batch, then await once: ~12x the throughput of one-by-one.
            futures = []
            for row in rows:
                headers = event_headers(row.traceparent)
                futures.append(
                    await self._producer.send(
                        self.settings.topic(row.topic),
                        value=row.payload.encode(),
                        key=row.key.encode(),
                        headers=headers,
                    )
                )
            sent = await asyncio.gather(*futures)
            sent_at = datetime.now(UTC)
            self._unmarked = ([r.id for r in rows], sent_at)
            await self._mark_unmarked()
            for row in rows:
                self.metrics.events_published.labels(type=row.event_type).inc()
            await self._check_reset(sent, sent_at)
        await self._update_backlog()
        return len(rows)

    async def _mark_unmarked(self) -> None:
        if self._unmarked is None:
            return
        ids, sent_at = self._unmarked
        outbox = self.tables.outbox
        async with self.db.transaction() as session:
            await session.execute(
                update(outbox).where(outbox.c.id.in_(ids)).values(sent_at=sent_at)
            )
        self._unmarked = None

    async def _probe_for_reset(self, *, now_please: bool = False) -> None:
        """Every few seconds: is this still the broker we sent to (`nic_shared.epoch`)?
        Offsets alone cannot tell, as topics may come back with other partition counts and
        grow past where they were. What this relay sent since it first sent then goes
        again; consumers dedupe."""
        if self._producer is None:
            return
        if not await self._epoch.changed(self._producer, now_please=now_please):
            return
        since = self._sending_since
        if since is None:
            return
        self._offsets.clear()
        self._sending_since = None
        count = await republish_sent_since(self.db, self.tables, since)
        log.warning(
            "the broker lost its data (its epoch marker changed); republishing",
            extra={"events": count, "sent_since": since.isoformat()},
        )

    async def _check_reset(self, sent: list[RecordMetadata], sent_at: datetime) -> None:
        """A partition's offsets only grow, unless the broker lost its data (the embedded
        broker keeps topics in memory, and a restart may even go unnoticed: the producer
        reconnects and topics are created again on use). When an offset comes back no
        higher than one seen before, whatever this relay sent since it first sent to the
        broker as it was may be gone with it: those rows are marked unsent and go again.
        Consumers dedupe. (Rows sent by an earlier run of the service are not covered:
        `python -m nic_<service> republish --since` is for that.)"""
        since = self._sending_since
        reset = any(
            md.offset <= self._offsets.get((md.topic, md.partition), md.offset - 1) for md in sent
        )
        if reset:
            self._offsets.clear()
            self._sending_since = sent_at
        elif since is None:
            self._sending_since = sent_at
        for md in sent:
            key = (md.topic, md.partition)
            self._offsets[key] = max(md.offset, self._offsets.get(key, md.offset))
        if reset and since is not None:
            count = await republish_sent_since(self.db, self.tables, since)
            log.warning(
                "the broker lost its data (an offset went back); republishing",
                extra={"events": count, "sent_since": since.isoformat()},
            )

    async def _update_backlog(self) -> None:
        """Backlog gauges, at most once a second: on SQLite the relay shares one connection."""
        now = time.monotonic()
        if now - self._backlog_at < 1.0:
            return
        self._backlog_at = now
        outbox = self.tables.outbox
        async with self.db.transaction() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(
                        outbox.c.sent_at.is_(None)
                    )
                )
            ).one()
        self.metrics.outbox_backlog.set(count)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        self.metrics.outbox_oldest_age.set(age)


async def republish_since(db: Database, tables: MessagingTables, since: datetime) -> int:
    """Mark every retained event created at or after `since` unsent, so the relay sends it again.

    For a broker that lost its data (the embedded broker keeps topics in memory);
    consumers' dedupe absorbs the events they had already handled.
    """
    async with db.transaction() as session:
        result = await session.execute(
            update(tables.outbox).where(tables.outbox.c.created_at >= since).values(sent_at=None)
        )
        notify_commit(session)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def republish_sent_since(db: Database, tables: MessagingTables, since: datetime) -> int:
    """Mark every retained event sent at or after `since` unsent, so the relay sends it again."""
    async with db.transaction() as session:
        result = await session.execute(
            update(tables.outbox).where(tables.outbox.c.sent_at >= since).values(sent_at=None)
        )
        notify_commit(session)
    return int(result.rowcount)  # type: ignore[attr-defined]
