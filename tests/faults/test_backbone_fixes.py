"""The backbone fixes the broker-restart fault test led to (shared/nic_shared):

- consumer.py: an offset commit that never finishes (aiokafka retries a retriable error
  such as the unknown topic of an emptied broker forever) now ends after the request
  timeout with CommitTimeout, so the consumer reconnects instead of hanging for good;
- outbox.py: when the broker hands out an offset no higher than one it gave before (it lost
  its data), the relay marks what it sent since it first sent to that broker unsent, so it
  goes again (consumers dedupe);
- kafka.py: a long-lived producer asks for metadata before it sends, so a topic the
  restarted broker lost is created by the Metadata request (a Produce request naming a
  missing topic leaves it unreadable in Tansu 0.6);
- consumer.py: a topic that comes back with another partition count makes the consumer
  rejoin as a new member (Tansu gives the old member its old assignment), and a client that
  will not stop is dropped instead of waited on for ever.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import TopicPartition
from sqlalchemy import select

from nic_shared import outbox
from nic_shared.consumer import CommitTimeout
from nic_shared.db import Database
from nic_shared.events import CloudEvent
from nic_shared.kafka import new_producer, refresh_metadata
from tests.shared import harness
from tests.support.broker import Broker


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class _HangingConsumer:
    async def commit(self, offsets: Any) -> None:
        await asyncio.sleep(3600)


async def test_a_commit_that_never_finishes_ends_in_commit_timeout(new_database, topic_prefix):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings("127.0.0.1:1", db.url, topic_prefix, kafka_request_timeout_ms=1000)
    consumer = harness.consumer_for(db, cfg, harness.Handled())
    started = time.monotonic()
    with pytest.raises(CommitTimeout):
        await consumer._commit(_HangingConsumer(), TopicPartition("t", 0), 1)
    assert time.monotonic() - started < 3
    await db.dispose()


async def test_relay_republishes_what_it_sent_when_the_broker_lost_its_data(
    new_database, topic_prefix
):
    broker = Broker().start()
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, relay_backoff_max_s=0.5)
    relay = harness.relay_for(db, cfg)
    topic = f"{topic_prefix}nic.registry"
    try:
        async with harness.running(relay.run()):
            async with db.transaction() as session:
                for n in range(5):
                    await outbox.record(session, harness.payload(f"before {n}"))
            await harness.wait_until(lambda: _unsent_is(db, 0))
            broker.stop()
            broker.start()  # empty: the five events are gone
            async with db.transaction() as session:
                await outbox.record(session, harness.payload("after"))
            # the relay notices the offsets went back and sends the five again
            records = await harness.read_topic(broker.bootstrap, topic, expect=6, timeout_s=30)
    finally:
        broker.stop()
    names = sorted(CloudEvent.from_bytes(r.value).data["name"] for r in records)
    assert set(names) == {"after", *(f"before {n}" for n in range(5))}
    await db.dispose()


async def test_republish_sent_since_marks_only_rows_sent_since(new_database):
    db = await harness.open_database(await new_database("harness", None))
    async with db.transaction() as session:
        for n in range(3):
            await outbox.record(session, harness.payload(f"n {n}"))
    table = harness.tables.outbox
    async with db.transaction() as session:
        ids = list(await session.scalars(select(table.c.id).order_by(table.c.id)))
        for row_id, sent in zip(
            ids,
            (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC), None),
            strict=True,
        ):
            await session.execute(table.update().where(table.c.id == row_id).values(sent_at=sent))
    assert (
        await outbox.republish_sent_since(db, harness.tables, datetime(2026, 1, 2, tzinfo=UTC)) == 1
    )
    assert await _unsent_is(db, 2)
    await db.dispose()


async def _unsent_is(db: Any, n: int) -> bool:
    async with db.transaction() as session:
        table = harness.tables.outbox
        rows = (await session.execute(select(table.c.id).where(table.c.sent_at.is_(None)))).all()
    return len(rows) == n


async def test_idle_relay_republishes_when_the_broker_comes_back_empty(new_database, topic_prefix):
    """Nothing new to send, so no offset can go back: the epoch marker tells instead."""
    broker = Broker().start()
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, relay_backoff_max_s=0.5)
    relay = harness.relay_for(db, cfg)
    topic = f"{topic_prefix}nic.registry"
    try:
        async with harness.running(relay.run()):
            async with db.transaction() as session:
                for n in range(5):
                    await outbox.record(session, harness.payload(f"before {n}"))
            await harness.wait_until(lambda: _unsent_is(db, 0))
            await asyncio.sleep(2.5)  # the relay has read the broker's epoch marker
            broker.stop()
            broker.start()  # empty, and the relay has nothing new to send
            records = await harness.read_topic(broker.bootstrap, topic, expect=5, timeout_s=30)
    finally:
        broker.stop()
    names = sorted(CloudEvent.from_bytes(r.value).data["name"] for r in records)
    assert names == [f"before {n}" for n in range(5)]
    await db.dispose()


async def test_a_batch_sent_but_not_marked_is_marked_later_and_never_sent_twice(
    new_database, topic_prefix, monkeypatch
):
    """The database refused the mark (e.g. no free connection): the next pass marks the rows
    it already sent instead of sending them again."""
    broker = Broker().start()
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, relay_backoff_max_s=0.2)
    relay = harness.relay_for(db, cfg)
    real_mark = relay._mark_unmarked
    failures = []

    async def mark_fails_once() -> None:
        if relay._unmarked is not None and not failures:
            failures.append(True)
            raise TimeoutError("QueuePool limit reached")
        await real_mark()

    monkeypatch.setattr(relay, "_mark_unmarked", mark_fails_once)
    topic = f"{topic_prefix}nic.registry"
    try:
        async with db.transaction() as session:
            for n in range(10):
                await outbox.record(session, harness.payload(f"n {n}"))
        async with harness.running(relay.run()):
            await harness.wait_until(lambda: _unsent_is(db, 0))
            records = await harness.read_topic(broker.bootstrap, topic, expect=10, timeout_s=15)
    finally:
        broker.stop()
    assert failures == [True]
    assert len(records) == 10
    await db.dispose()


async def test_a_producer_that_refreshes_metadata_writes_readably_into_a_restarted_broker(
    new_database, topic_prefix
):
    broker = Broker().start()
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    topic = f"{topic_prefix}nic.registry"
    producer = new_producer(cfg)
    await producer.start()
    try:
        await producer.send_and_wait(topic, harness.event_bytes("before"), key=b"k")
        broker.stop()
        await asyncio.sleep(2)  # long enough for the producer's own metadata refresh to fail
        broker.start()  # empty, while the producer still believes the topic is there
        await refresh_metadata(producer)
        await producer.send_and_wait(topic, harness.event_bytes("after"), key=b"k")
        records = await harness.read_topic(broker.bootstrap, topic, expect=1, timeout_s=15)
    finally:
        await producer.stop()
        broker.stop()
    assert [CloudEvent.from_bytes(r.value).data["name"] for r in records] == ["after"]
    await db.dispose()


async def test_consumer_reads_every_partition_of_a_topic_that_came_back_with_more(
    new_database, topic_prefix
):
    broker = Broker().start()
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)  # topics with 2 partitions
    handled = harness.Handled()
    consumer = harness.consumer_for(db, cfg, handled)
    topic = f"{topic_prefix}nic.registry"
    try:
        async with harness.running(consumer.run()):
            await harness.produce(broker.bootstrap, topic, harness.event_bytes("before"))
            await harness.wait_until(lambda: _handled_is(handled, 1))
            broker.stop()
            await asyncio.sleep(2)
            broker.start()  # empty: the topic comes back on first use with Tansu's 4
            for n in range(12):  # keys spread over all the partitions
                await harness.produce(
                    broker.bootstrap, topic, harness.event_bytes(f"after {n}"), key=b"%d" % n
                )
            # Wait for the effects, not the calls: a call is seen before its commit.
            await harness.wait_until(lambda: _notes_are(db, 13), timeout_s=45)
    finally:
        broker.stop()
    assert len(set(handled.calls)) == 13
    assert await harness.count(db, harness.notes) == 13
    await db.dispose()


async def _handled_is(handled: harness.Handled, n: int) -> bool:
    return len(set(handled.calls)) >= n


async def _notes_are(db: Database, n: int) -> bool:
    return await harness.count(db, harness.notes) >= n
