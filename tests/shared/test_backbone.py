"""The backbone's promises, each against the real broker and a real database (both kinds)."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import select

from nic_shared import outbox
from nic_shared.consumer import RetryLater
from nic_shared.events import CloudEvent
from nic_shared.kafka import header
from tests.shared import harness
from tests.shared.harness import Handled, count, notes, tables
from tests.support.broker import Broker


async def test_exception_after_record_leaves_no_row_and_no_event(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    relay = harness.relay_for(db, cfg)

    async def use_case_that_fails_after_recording() -> None:
        async with db.transaction() as session:
            await session.execute(notes.insert().values(text="rolled back"))
            await outbox.record(session, harness.payload())
            raise RuntimeError("the use case failed after recording its event")

    with pytest.raises(RuntimeError):
        await use_case_that_fails_after_recording()

    async with db.transaction() as session:  # a committed one, to prove the relay ran
        await outbox.record(session, harness.payload("committed"))
    async with harness.running(relay.run()):
        await harness.wait_until(lambda: _all_sent(db))
    records = await harness.read_topic(broker.bootstrap, f"{topic_prefix}nic.registry", expect=1)
    assert await count(db, notes) == 0
    assert await count(db, tables.outbox) == 1
    assert [CloudEvent.from_bytes(r.value).data["name"] for r in records] == ["committed"]
    await db.dispose()


async def _all_sent(db) -> bool:
    async with db.transaction() as session:
        unsent = await session.scalar(
            select(tables.outbox.c.id).where(tables.outbox.c.sent_at.is_(None)).limit(1)
        )
    return unsent is None


async def test_relay_publishes_in_order_with_subject_as_key(broker, new_database, topic_prefix):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    async with db.transaction() as session:
        for n in range(50):
            await outbox.record(session, harness.payload(f"name {n}"))
    async with harness.running(harness.relay_for(db, cfg).run()):
        records = await harness.read_topic(
            broker.bootstrap, f"{topic_prefix}nic.registry", expect=50
        )
    assert [CloudEvent.from_bytes(r.value).data["name"] for r in records] == [
        f"name {n}" for n in range(50)
    ]
    assert {r.key for r in records} == {b"974760673"}
    await db.dispose()


async def test_same_event_delivered_twice_has_one_effect(broker, new_database, topic_prefix):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    handled = Handled()
    once = harness.event_bytes()
    await harness.produce(broker.bootstrap, f"{topic_prefix}nic.registry", once, once)
    consumer = harness.consumer_for(db, cfg, handled)
    async with harness.running(consumer.run()):
        await harness.wait_until(lambda: _consumed(consumer, 2))
    assert await count(db, notes) == 1
    assert await count(db, tables.inbox) == 1
    await db.dispose()


async def _consumed(consumer, n: int) -> bool:
    samples = consumer.metrics.events_consumed.collect()[0].samples
    return sum(s.value for s in samples if s.name.endswith("_total")) >= n


async def test_consumer_killed_between_db_commit_and_offset_commit_has_no_second_effect(
    broker, new_database, topic_prefix, monkeypatch
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    await harness.produce(broker.bootstrap, f"{topic_prefix}nic.registry", harness.event_bytes())

    died = asyncio.Event()

    async def commit_never(*_args, **_kwargs):
        died.set()
        await asyncio.Event().wait()  # the process "dies" here, before the offset commit

    monkeypatch.setattr(AIOKafkaConsumer, "commit", commit_never)
    first = harness.consumer_for(db, cfg, Handled())
    task = asyncio.create_task(first.run())
    await asyncio.wait_for(died.wait(), timeout=30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await first.stop()  # leaves the group; the offset was never committed
    monkeypatch.undo()
    assert await count(db, notes) == 1

    second = harness.consumer_for(db, cfg, Handled())
    async with harness.running(second.run()):
        await harness.wait_until(lambda: _duplicates(second, 1), timeout_s=30)
    assert await count(db, notes) == 1
    await db.dispose()


async def _duplicates(consumer, n: int) -> bool:
    samples = consumer.metrics.events_consumed.collect()[0].samples
    return (
        sum(
            s.value
            for s in samples
            if s.labels.get("outcome") == "duplicate" and s.name.endswith("_total")
        )
        >= n
    )


async def test_malformed_event_goes_to_dead_letter_topic_and_later_events_still_apply(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    topic = f"{topic_prefix}nic.registry"
    await harness.produce(broker.bootstrap, topic, b"{not json", harness.event_bytes("after"))
    consumer = harness.consumer_for(db, cfg, Handled())
    async with harness.running(consumer.run()):
        await harness.wait_until(lambda: _count_is(db, notes, 1))
        dead = await harness.read_topic(broker.bootstrap, f"{topic}.dlq", expect=1)
    assert len(dead) == 1
    assert dead[0].value == b"{not json"
    assert header(dead[0].headers, "nic_origin_topic") == topic
    assert header(dead[0].headers, "nic_origin_offset") == "0"
    assert "ValidationError" in (header(dead[0].headers, "nic_error") or "")
    assert await count(db, tables.dead_letters) == 1
    await db.dispose()


async def test_a_record_holding_a_nul_byte_is_dead_lettered_on_every_database(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    topic = f"{topic_prefix}nic.registry"
    await harness.produce(broker.bootstrap, topic, b"{\x00 not json", harness.event_bytes("after"))
    consumer = harness.consumer_for(db, cfg, Handled())
    async with harness.running(consumer.run()):
        await harness.wait_until(lambda: _count_is(db, notes, 1))
        dead = await harness.read_topic(broker.bootstrap, f"{topic}.dlq", expect=1)
    assert dead[0].value == b"{\x00 not json"  # the topic keeps the bytes as they were
    async with db.transaction() as session:
        [payload] = (await session.execute(select(tables.dead_letters.c.payload))).scalars()
    assert payload == "{\ufffd not json"
    await db.dispose()


async def _count_is(db, table, n: int) -> bool:
    return await count(db, table) == n


async def test_failing_handler_is_retried_then_dead_lettered(broker, new_database, topic_prefix):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, consumer_max_attempts=3)
    topic = f"{topic_prefix}nic.registry"
    await harness.produce(broker.bootstrap, topic, harness.event_bytes("poison"))
    handled = Handled(fail_with=ValueError("handler bug"))
    consumer = harness.consumer_for(db, cfg, handled)
    async with harness.running(consumer.run()):
        await harness.wait_until(lambda: _count_is(db, tables.dead_letters, 1))
    assert len(handled.calls) == 3
    assert await count(db, notes) == 0
    await db.dispose()


async def test_retry_later_never_dead_letters_and_applies_once_the_dependency_is_back(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, consumer_max_attempts=2)
    await harness.produce(broker.bootstrap, f"{topic_prefix}nic.registry", harness.event_bytes())
    handled = Handled(fail_with=RetryLater("registry is down"))
    consumer = harness.consumer_for(db, cfg, handled)
    async with harness.running(consumer.run()):
        await harness.wait_until(lambda: _calls_at_least(handled, 5))
        assert await count(db, notes) == 0
        handled.fail_with = None
        await harness.wait_until(lambda: _count_is(db, notes, 1))
    assert await count(db, tables.dead_letters) == 0
    await db.dispose()


async def _calls_at_least(handled, n: int) -> bool:
    return len(handled.calls) >= n


async def test_relay_started_while_broker_is_down_delivers_everything_once_it_is_up(
    new_database, topic_prefix
):
    late = Broker()  # a port with no broker yet
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(late.bootstrap, db.url, topic_prefix, relay_backoff_max_s=0.5)
    async with db.transaction() as session:
        for n in range(20):
            await outbox.record(session, harness.payload(f"name {n}"))
    relay = harness.relay_for(db, cfg)
    try:
        async with harness.running(relay.run()):
            await asyncio.sleep(1.5)
            assert not relay.connected
            late.start()
            await harness.wait_until(lambda: _all_sent(db), timeout_s=30)
        records = await harness.read_topic(late.bootstrap, f"{topic_prefix}nic.registry", expect=20)
    finally:
        late.stop()
    assert sorted(CloudEvent.from_bytes(r.value).data["name"] for r in records) == sorted(
        f"name {n}" for n in range(20)
    )
    await db.dispose()


async def test_relay_stops_when_cancelled_just_as_a_commit_wakes_it(
    broker, new_database, topic_prefix
):
    """A commit and a shutdown in the same instant: the relay must still stop (Python 3.11's
    asyncio.wait_for lost such a cancellation, and the relay then ran for ever)."""
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, relay_poll_interval_s=30)
    for _ in range(3):
        relay = harness.relay_for(db, cfg)
        task = asyncio.create_task(relay.run())
        await harness.wait_until(lambda relay=relay: _connected(relay))
        await asyncio.sleep(0.3)  # nothing to send: it waits for a wake-up
        relay.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=15)
        assert done, "the relay did not stop"
    await db.dispose()


async def _connected(relay) -> bool:
    return bool(relay.connected)
