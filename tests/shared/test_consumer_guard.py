"""The reset guard's decisions after an assignment, against a stand-in for the consumer's
seek calls. The real broker scenario (restart empty, more partitions) is
tests/faults/test_backbone_fixes.py; this pins the order of events it depends on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition

from nic_shared.consumer_guard import ResetGuard, digest

TP = TopicPartition("t", 0)


@dataclass
class Record:
    offset: int
    value: bytes


@dataclass
class Consumer:
    """Only what the guard asks of aiokafka's consumer."""

    end: int
    begin: int = 0
    committed_offset: int | None = None
    seeks: list[Any] = field(default_factory=list)
    assigned: set[TopicPartition] = field(default_factory=set)

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    async def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(tps, self.end)

    async def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(tps, self.begin)

    async def committed(self, tp: TopicPartition) -> int | None:
        return self.committed_offset

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append(offset)

    async def seek_to_beginning(self, tp: TopicPartition) -> None:
        self.seeks.append("beginning")


def _guard(consumer: Consumer, last: dict, anchors: dict) -> ResetGuard:
    return ResetGuard(consumer, last, anchors)  # type: ignore[arg-type]


async def test_a_record_read_from_a_fresh_log_before_the_rejoin_does_not_hide_the_reset():
    # "before" at 0 in the old log; the broker came back empty and, before the member
    # noticed, it read offset 1 of the fresh log: offset 0 there was never read.
    anchors = {TP: (0, digest(b"before"))}
    last = {TP: (1, digest(b"after 1"))}
    consumer = Consumer(end=3, committed_offset=2)
    guard = _guard(consumer, last, anchors)
    await guard.on_partitions_assigned([TP])
    assert consumer.seeks == [0]
    assert not await guard.verified(TP, Record(0, b"after 0"))
    assert consumer.seeks == [0, "beginning"]
    assert TP not in last
    assert TP not in anchors


async def test_the_same_log_resumes_after_the_last_record_handled_without_handling_again():
    anchors = {TP: (4, digest(b"four"))}
    last = {TP: (9, digest(b"nine"))}
    consumer = Consumer(end=12, committed_offset=10)
    guard = _guard(consumer, last, anchors)
    await guard.on_partitions_assigned([TP])
    assert not await guard.verified(TP, Record(4, b"four"))
    assert consumer.seeks == [4, 10]
    assert anchors[TP] == (4, digest(b"four"))  # known to be in this log: it stays
    assert await guard.verified(TP, Record(10, b"ten"))  # nothing pending: handled


async def test_a_fresh_log_read_right_after_a_check_is_still_caught_by_the_kept_anchor():
    # Checked at 4, then the broker came back empty and the member read 10 of the fresh log
    # before it noticed: the anchor is still the record checked, not the fresh one.
    anchors = {TP: (4, digest(b"four"))}
    last = {TP: (9, digest(b"nine"))}
    consumer = Consumer(end=12, committed_offset=10)
    guard = _guard(consumer, last, anchors)
    await guard.on_partitions_assigned([TP])
    await guard.verified(TP, Record(4, b"four"))
    last[TP] = (10, digest(b"fresh ten"))
    anchors.setdefault(TP, last[TP])  # what the consumer does after handling a record
    await guard.on_partitions_assigned([TP])
    assert not await guard.verified(TP, Record(4, b"fresh four"))
    assert consumer.seeks[-1] == "beginning"


async def test_a_changed_epoch_starts_every_assigned_partition_over():
    other = TopicPartition("t", 1)
    anchors = {TP: (4, digest(b"four"))}
    last = {TP: (9, digest(b"nine")), other: (2, digest(b"two"))}
    consumer = Consumer(end=12, assigned={TP, other})
    guard = _guard(consumer, last, anchors)
    await guard.restart_all("the broker's epoch marker changed")
    assert consumer.seeks == ["beginning", "beginning"]
    assert last == {}
    assert anchors == {}
    assert not guard.from_start  # done now; a later assignment checks as usual


async def test_a_changed_epoch_between_assignments_starts_the_next_assignment_over():
    last = {TP: (9, digest(b"nine"))}
    consumer = Consumer(end=12, committed_offset=10)
    guard = _guard(consumer, last, {})
    await guard.restart_all("the broker's epoch marker changed")
    assert consumer.seeks == []
    await guard.on_partitions_assigned([TP])
    assert consumer.seeks == ["beginning"]
    await guard.on_partitions_assigned([TP])  # once: the next one checks as usual
    assert consumer.seeks == ["beginning"]


async def test_a_log_that_ends_before_the_anchor_is_read_from_the_beginning():
    anchors = {TP: (5, digest(b"five"))}
    consumer = Consumer(end=2)
    await _guard(consumer, {TP: (5, digest(b"five"))}, anchors).on_partitions_assigned([TP])
    assert consumer.seeks == ["beginning"]


async def test_an_anchor_removed_by_retention_is_no_reset_and_the_last_record_is_checked():
    anchors = {TP: (3, digest(b"three"))}
    last = {TP: (900, digest(b"nine hundred"))}
    consumer = Consumer(end=1000, begin=500, committed_offset=901)
    guard = _guard(consumer, last, anchors)
    await guard.on_partitions_assigned([TP])
    assert consumer.seeks == [900]
    assert await guard.verified(TP, Record(900, b"nine hundred"))  # handled again: a dupe


async def test_a_committed_offset_beyond_the_end_reads_from_the_beginning():
    consumer = Consumer(end=1, committed_offset=7)
    await _guard(consumer, {}, {}).on_partitions_assigned([TP])
    assert consumer.seeks == ["beginning"]
