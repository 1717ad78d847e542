"""The broker's epoch marker against the real embedded broker: the same broker reads the
same marker; one restarted empty on the same port reads another."""

from __future__ import annotations

from nic_shared.epoch import EpochProbe
from nic_shared.kafka import new_producer, stop_client
from tests.shared import harness
from tests.support.broker import Broker


async def test_the_epoch_marker_changes_only_when_the_broker_comes_back_empty(topic_prefix):
    broker = Broker().start()
    cfg = harness.settings(broker.bootstrap, "sqlite+aiosqlite://", topic_prefix)
    probe = EpochProbe(cfg)
    producer = new_producer(cfg)
    try:
        await producer.start()
        assert not await probe.changed(producer, now_please=True)  # the first reading
        first = probe.epoch
        assert first
        assert not await probe.changed(producer, now_please=True)
        assert probe.epoch == first
        assert not await probe.changed(producer)  # not due yet: not read
        broker.stop()
        broker.start()
        changed = False
        for _ in range(10):  # the producer may need a moment to find the broker again
            changed = await probe.changed(producer, now_please=True)
            if changed:
                break
        assert changed
        assert probe.epoch not in (None, first)
    finally:
        await probe.close()
        await stop_client(producer)
        broker.stop()
