"""A minimal service for testing the shared library: a `notes` table plus messaging tables."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import Column, Integer, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_shared.consumer import EventConsumer, Subscription
from nic_shared.db import Database, new_metadata
from nic_shared.events import CloudEvent, new_event
from nic_shared.events.registry import OrganisationUpdated
from nic_shared.messaging_tables import define_messaging_tables
from nic_shared.metrics import Metrics
from nic_shared.outbox import OutboxRelay
from nic_shared.settings import ServiceSettings
from tests.support.services import service_settings

metadata = new_metadata()
tables = define_messaging_tables(metadata)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", String(200), nullable=False),
)


class HarnessSettings(ServiceSettings):
    service_name: str = "harness"
    port: int = 0


def settings(broker: str, url: str, prefix: str, **overrides: Any) -> HarnessSettings:
    values = service_settings(broker, url, prefix) | overrides
    return HarnessSettings(**values)


async def open_database(url: str) -> Database:
    db = Database(url, session_info={"messaging": tables, "event_source": "/nic/harness"})
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return db


def payload(name: str = "Acme AS") -> OrganisationUpdated:
    return OrganisationUpdated(organisation_key="974760673", name=name)


async def count(db: Database, table: Table) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


@dataclass
class Handled:
    """What the test handler saw; `fail_with` makes it raise."""

    calls: list[str] = field(default_factory=list)
    fail_with: BaseException | None = None

    async def handle(
        self, session: AsyncSession, item: OrganisationUpdated, event: CloudEvent, _ctx: Any
    ) -> None:
        self.calls.append(event.id)
        if self.fail_with is not None:
            raise self.fail_with
        await session.execute(notes.insert().values(text=item.name))


def consumer_for(db: Database, cfg: ServiceSettings, handled: Handled) -> EventConsumer:
    return EventConsumer(
        db=db,
        tables=tables,
        settings=cfg,
        metrics=Metrics("harness"),
        topics=["nic.registry"],
        subscriptions=[Subscription(OrganisationUpdated, handled.handle)],
    )


def relay_for(db: Database, cfg: ServiceSettings) -> OutboxRelay:
    relay = OutboxRelay(db=db, tables=tables, settings=cfg, metrics=Metrics("harness"))
    db.on_commit(relay.wake)
    return relay


@contextlib.asynccontextmanager
async def running(*coroutines: Any) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def produce(bootstrap: str, topic: str, *values: bytes, key: bytes = b"k") -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


def event_bytes(name: str = "Acme AS") -> bytes:
    return new_event(payload(name), source="/test").to_bytes()


async def read_topic(
    bootstrap: str, topic: str, *, expect: int, timeout_s: float = 10.0
) -> list[Any]:
    """Read records from the start of a topic until `expect` arrived or time ran out.

    Counts messages, not offsets (the embedded broker's end offsets under-count).
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        fetch_max_wait_ms=50,
        session_timeout_ms=1000,
        heartbeat_interval_ms=200,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while loop.time() < end and len(records) < expect:
            batch = await consumer.getmany(timeout_ms=200)
            for items in batch.values():
                records.extend(items)
        if len(records) >= expect:
            # a little longer, to catch records beyond the expected count
            batch = await consumer.getmany(timeout_ms=500)
            for items in batch.values():
                records.extend(items)
    finally:
        await consumer.stop()
    return records


async def wait_until(predicate: Any, timeout_s: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while loop.time() < end:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met in {timeout_s}s")
