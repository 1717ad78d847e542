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
    returns nothing, forever (Apache Kafka would answer OffsetOutOfRange). Worse, until the
    member notices (its next heartbeat), it goes on fetching the fresh log from its old
    position and skips what lies before it.

    So each partition keeps an anchor: the first record handled since the last check (or,
    when none was, the last record handled). After an assignment the record at the anchor's
    offset is read again: the same record means the same log, and reading resumes after the
    last record handled; another record, or a log ending before the anchor, sends the
    partition back to the beginning. Re-reading is safe: the inbox dedupes. An anchor that
    retention removed (Apache Kafka) is not evidence of a reset: the last record is checked.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        last: dict[TopicPartition, tuple[int, bytes]],
        anchors: dict[TopicPartition, tuple[int, bytes]],
    ) -> None:
        self.consumer = consumer
        self.last = last
        self.anchors = anchors
        self.pending: dict[TopicPartition, tuple[int, bytes]] = {}

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if not assigned:
            return
        ends = await self.consumer.end_offsets(list(assigned))
        begins = await self.consumer.beginning_offsets(list(assigned))
        for tp in assigned:
            committed = await self.consumer.committed(tp)
            known = self._anchor(tp, begins[tp])
            if committed is not None and committed > ends[tp]:
                self._restart(tp, f"committed offset {committed} beyond the end {ends[tp]}")
                await self.consumer.seek_to_beginning(tp)
            elif known is not None and known[0] >= ends[tp]:
                self._restart(tp, f"the log ends at {ends[tp]}, before offset {known[0]}")
                await self.consumer.seek_to_beginning(tp)
            elif known is not None:
                self.consumer.seek(tp, known[0])  # read the anchor record again
                self.pending[tp] = known

    def _anchor(self, tp: TopicPartition, begin: int) -> tuple[int, bytes] | None:
        anchor = self.anchors.get(tp)
        if anchor is not None and anchor[0] >= begin:
            return anchor
        return self.last.get(tp)

    async def verified(self, tp: TopicPartition, record: ConsumerRecord[Any, Any]) -> bool:
        """Whether to handle `record`: False when the partition was moved instead (back to the
        beginning, or past the records handled already)."""
        known = self.pending.pop(tp, None)
        if known is None:
            return True
        if (record.offset, digest(record.value)) != known:
            self._restart(tp, f"offset {known[0]} holds another record now")
            self.last.pop(tp, None)
            self.anchors.pop(tp, None)
            await self.consumer.seek_to_beginning(tp)
            return False
        self.anchors.pop(tp, None)  # the log is the one we read: the next record anchors
        last = self.last.get(tp)
        if last is not None and last[0] > record.offset:
            self.consumer.seek(tp, last[0] + 1)
            return False
        return True

    def _restart(self, tp: TopicPartition, why: str) -> None:
        log.warning(
            "partition no longer holds what we read (broker reset?); reading from the start",
            extra={"topic": tp.topic, "partition": tp.partition, "why": why},
        )
