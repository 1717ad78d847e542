"""The consumer's check that a partition is still the log it was reading.

Kept apart from `consumer.py` because it exists for one broker's behaviour: the embedded
broker keeps its data in memory and can come back empty under the same topic names.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

log = logging.getLogger("nic_shared.consumer")


class TopicsChanged(Exception):
    """A subscribed topic's partition count changed: rejoin as a new group member."""


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

    So each partition keeps an anchor: the first record handled since it was last read from
    the start (or, when none was, the last record handled). After an assignment the record at the anchor's
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
        *,
        from_start: bool = False,
    ) -> None:
        self.consumer = consumer
        self.last = last
        self.anchors = anchors
        self.pending: dict[TopicPartition, tuple[int, bytes]] = {}
        self.from_start = from_start  # the next assignment starts every partition over

    async def restart_all(self, why: str) -> None:
        """The broker lost its data (`nic_shared.epoch`): whatever was read since may have
        been read from where the old log stood, so every partition starts over."""
        self.last.clear()
        self.anchors.clear()
        self.pending.clear()
        assigned = list(self.consumer.assignment())
        self.from_start = not assigned
        for tp in assigned:
            self._restart(tp, why)
            await self.consumer.seek_to_beginning(tp)

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if not assigned:
            return
        if self.from_start:
            self.from_start = False
            for tp in assigned:
                self._restart(tp, "the broker lost its data")
                await self.consumer.seek_to_beginning(tp)
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
        # The log is the one we read: the anchor stays, as a record known to be in it (the
        # next record handled could already be one from a fresh log).
        self.anchors[tp] = known
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


class PartitionCounts:
    """Once a second: do the subscribed topics still have the partitions they had when this
    member joined? A broker that restarted empty re-creates topics on first use, with its
    own default count. aiokafka then rejoins, but the embedded broker (Tansu 0.6) answers
    the same member's SyncGroup with its old assignment, so the new partitions would never
    be read. A new member gets them all: `check` raises `TopicsChanged`."""

    def __init__(self, topics: list[str]) -> None:
        self.topics = topics
        self.counts: dict[str, int] | None = None
        self._at = 0.0

    def check(self, consumer: AIOKafkaConsumer) -> None:
        now = time.monotonic()
        if now - self._at < 1.0:
            return
        self._at = now
        counts = {t: len(consumer.partitions_for_topic(t) or ()) for t in self.topics}
        if not all(counts.values()):
            return  # not known (yet): nothing to compare
        if self.counts is None:
            self.counts = counts
        elif counts != self.counts:
            raise TopicsChanged(f"partitions per topic went from {self.counts} to {counts}")
