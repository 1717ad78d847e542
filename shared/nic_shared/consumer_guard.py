"""The consumer's check that a partition is still the log it was reading.

Kept apart from `consumer.py` because it exists for one broker's behaviour: the embedded
broker keeps its data in memory and can come back empty under the same topic names.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

log = logging.getLogger("nic_shared.consumer")


def digest(value: bytes | None) -> bytes:
    return hashlib.blake2b(value or b"", digest_size=16).digest()


class ResetGuard(ConsumerRebalanceListener):  # type: ignore[misc]
    """After a (re)assignment, make sure each partition is still the log we were reading.

    The embedded broker keeps its data in memory. When it restarts empty, offsets committed
    before can land in the fresh one (aiokafka retries the commit until the topic exists
    again), and then mean other records — or lie beyond the new log's end, where the broker
    returns nothing, forever (Apache Kafka would answer OffsetOutOfRange). So: a committed
    offset beyond the end, or a record we handled that is no longer where we read it, sends
    the partition back to the beginning. Re-reading is safe: the inbox dedupes.
    """

    def __init__(
        self, consumer: AIOKafkaConsumer, last: dict[TopicPartition, tuple[int, bytes]]
    ) -> None:
        self.consumer = consumer
        self.last = last
        self.pending: dict[TopicPartition, tuple[int, bytes]] = {}

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if not assigned:
            return
        ends = await self.consumer.end_offsets(list(assigned))
        for tp in assigned:
            committed = await self.consumer.committed(tp)
            known = self.last.get(tp)
            if committed is not None and committed > ends[tp]:
                self._restart(tp, f"committed offset {committed} beyond the end {ends[tp]}")
                await self.consumer.seek_to_beginning(tp)
            elif known is not None and known[0] >= ends[tp]:
                self._restart(tp, f"the log ends at {ends[tp]}, before offset {known[0]}")
                await self.consumer.seek_to_beginning(tp)
            elif known is not None:
                self.consumer.seek(tp, known[0])  # read the last handled record again
                self.pending[tp] = known

    async def verified(self, tp: TopicPartition, record: ConsumerRecord[Any, Any]) -> bool:
        """False when the partition was sent back to the beginning instead of going on."""
        known = self.pending.pop(tp, None)
        if known is None or (record.offset, digest(record.value)) == known:
            return True
        self._restart(tp, f"offset {known[0]} holds another record now")
        self.last.pop(tp, None)
        await self.consumer.seek_to_beginning(tp)
        return False

    def _restart(self, tp: TopicPartition, why: str) -> None:
        log.warning(
            "partition no longer holds what we read (broker reset?); reading from the start",
            extra={"topic": tp.topic, "partition": tp.partition, "why": why},
        )
