"""The wake-up wait every polling worker uses (outbox relay, webhook deliveries)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from nic_shared.waits import stop_if_cancelled, wake_or_timeout


async def test_a_cancellation_that_arrives_with_the_wake_up_is_not_lost():
    for _ in range(50):
        wake = asyncio.Event()

        async def worker(wake: asyncio.Event = wake) -> None:
            while True:
                await wake_or_timeout(wake, 30)

        task = asyncio.create_task(worker())
        await asyncio.sleep(0.001)
        wake.set()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1)
        assert done, "the worker missed its cancellation"


async def test_a_wake_up_ends_the_wait_at_once_and_is_cleared():
    wake = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, wake.set)
    started = time.monotonic()
    await wake_or_timeout(wake, 30)
    assert time.monotonic() - started < 5
    assert not wake.is_set()


async def test_without_a_wake_up_the_wait_ends_at_its_time_limit():
    started = time.monotonic()
    await wake_or_timeout(asyncio.Event(), 0.2)
    assert time.monotonic() - started >= 0.2


async def test_a_loop_stops_at_its_next_turn_when_a_library_swallowed_its_cancellation():
    async def call_that_swallows_cancellation() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)

    async def worker() -> None:
        while True:
            stop_if_cancelled()
            await call_that_swallows_cancellation()

    task = asyncio.create_task(worker())
    await asyncio.sleep(0.01)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=1)
    assert done
    assert task.cancelled()
