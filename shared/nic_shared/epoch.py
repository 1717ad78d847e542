"""The broker's epoch marker: how relays and consumers tell that the broker lost its data.

The embedded broker keeps topics in memory. When it restarts empty, topics come back on
first use, perhaps with other partition counts, and grow past where they were: offsets
alone cannot tell. The first record of the epoch topic is a marker that the first client to
find the topic empty writes; another marker means another broker. Relays republish what
they sent (`outbox`); consumers read every partition again from the start (`consumer`),
which the inbox makes safe. On Apache Kafka the marker never changes.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from nic_shared.kafka import refresh_metadata, stop_client
from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

EPOCH_TOPIC = "nic.epoch"


class EpochProbe:
    """Reads the marker every few seconds and says when it changed since the last reading."""

    def __init__(self, settings: ServiceSettings, *, every_s: float = 2.0) -> None:
        self.settings = settings
        self.every_s = every_s
        self.epoch: bytes | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._at = 0.0

    @property
    def topic(self) -> str:
        return self.settings.topic(EPOCH_TOPIC)

    async def changed(self, producer: AIOKafkaProducer, *, now_please: bool = False) -> bool:
        """True when the marker read now differs from the one read before. Not due yet, the
        first reading, or a broker that does not answer: False (the next probe tries again,
        with a fresh client)."""
        now = time.monotonic()
        if not now_please and now - self._at < self.every_s:
            return False
        self._at = now
        try:
            async with asyncio.timeout(8.0):
                epoch = await self._read(producer)
        except (KafkaError, TimeoutError) as exc:
            log.info("epoch probe failed", extra={"error": repr(exc)})
            await self.close()
            return False
        previous, self.epoch = self.epoch, epoch
        return previous is not None and previous != epoch

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await stop_client(consumer)

    async def _read(self, producer: AIOKafkaProducer) -> bytes:
        """The marker, written first by whoever finds the topic empty."""
        if self._consumer is None:
            self._consumer = AIOKafkaConsumer(
                bootstrap_servers=self.settings.kafka_bootstrap,
                enable_auto_commit=False,
                request_timeout_ms=self.settings.kafka_request_timeout_ms,
            )
            await self._consumer.start()
        probe = self._consumer
        tp = TopicPartition(self.topic, 0)
        probe.assign([tp])
        if (await probe.end_offsets([tp]))[tp] == 0:
            marker = uuid.uuid4().hex.encode()
            await refresh_metadata(producer)
            await producer.send_and_wait(tp.topic, value=marker, key=b"epoch", partition=0)
        probe.resume(tp)
        try:
            for _ in range(5):
                probe.seek(tp, 0)
                records = (await probe.getmany(tp, timeout_ms=1000)).get(tp, [])
                if records:
                    return bytes(records[0].value or b"")
        finally:
            # No fetch in flight between probes: aiokafka's consumer may not stop when
            # one was under way as the broker went away.
            probe.pause(tp)
        raise TimeoutError("the epoch marker could not be read")
