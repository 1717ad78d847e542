"""The transactional outbox: events are written with the change, and a relay publishes them.

`record(session, payload)` adds the event to the caller's transaction: no event for a change
that rolled back, no committed change without its event. The relay, a task owned by the
app's lifespan, publishes unsent rows in order (key = subject, acks=all), then marks them
sent. It wakes right after a commit that recorded events, polls as a fallback, and backs
off while the broker is down. A crash between publish and mark re-sends; consumers dedupe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared import tracing
from nic_shared.db import Database, notify_commit
from nic_shared.events import TOPICS, CloudEvent, EventPayload, new_event
from nic_shared.kafka import dlq_topic, ensure_topics, new_producer
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)


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
    return event


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
        self._last_cleanup = datetime.min.replace(tzinfo=UTC)
        self._backlog_at = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Publish forever; survive the broker being down or restarted."""
        backoff = 0.1
        while True:
            try:
                if self._producer is None:
                    await self._connect()
                published = await self.publish_pending()
                backoff = 0.1
                await self._cleanup()
                if published < self.settings.relay_batch_size:
                    await self._sleep(self.settings.relay_poll_interval_s)
            except asyncio.CancelledError:
                await asyncio.shield(self._disconnect())
                raise
            except Exception as exc:  # the broker or database is away: back off, retry
                log.warning("outbox relay failed; backing off", extra={"error": repr(exc)})
                await self._disconnect()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.settings.relay_backoff_max_s)

    async def stop(self) -> None:
        await self._disconnect()

    async def _connect(self) -> None:
        producer = new_producer(self.settings)
        try:
            await producer.start()
            topics = [self.settings.topic(t) for t in TOPICS]
            await ensure_topics(self.settings, topics + [dlq_topic(t) for t in topics])
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        self.connected = True
        log.info("outbox relay connected to the broker")

    async def _disconnect(self) -> None:
        self.connected = False
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await producer.stop()
            except Exception as exc:  # stopping a broken producer may fail; it is gone either way
                log.debug("producer stop failed", extra={"error": repr(exc)})

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in order and mark them sent; returns the count."""
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
            # Send the whole batch, then await once: ~12x the throughput of one-by-one.
            futures = []
            for row in rows:
                headers = [("ce_type", row.event_type.encode())]
                if row.traceparent:
                    headers.append(("traceparent", row.traceparent.encode()))
                futures.append(
                    await self._producer.send(
                        self.settings.topic(row.topic),
                        value=row.payload.encode(),
                        key=row.key.encode(),
                        headers=headers,
                    )
                )
            await asyncio.gather(*futures)
            async with self.db.transaction() as session:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([r.id for r in rows]))
                    .values(sent_at=datetime.now(UTC))
                )
            for row in rows:
                self.metrics.events_published.labels(type=row.event_type).inc()
        await self._update_backlog()
        return len(rows)

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

    async def _cleanup(self) -> None:
        """Drop sent rows past the retention period (kept so events can be republished)."""
        now = datetime.now(UTC)
        if now - self._last_cleanup < timedelta(minutes=1):
            return
        self._last_cleanup = now
        cutoff = now - timedelta(hours=self.settings.outbox_retention_hours)
        outbox = self.tables.outbox
        async with self.db.transaction() as session:
            await session.execute(
                delete(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < cutoff)
            )


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
