"""Waiting with a time limit without losing a cancellation.

On Python 3.11, `asyncio.wait_for` returns normally when the task is cancelled in the very
instant the awaited thing finishes: the cancellation is lost. A worker that waits for a
wake-up in a loop then never stops (a commit wakes the relay as the service shuts down).
`asyncio.timeout` has no such gap, so the code here uses it; ruff bans `wait_for` (TID251).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any


async def wake_or_timeout(wake: asyncio.Event, seconds: float) -> None:
    """Return when `wake` is set or after `seconds`, with `wake` cleared for the next wait."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
    wake.clear()


def stop_if_cancelled() -> None:
    """Raise CancelledError when this task was asked to stop but something swallowed it.

    Called at the top of every worker loop: aiokafka's fetcher is known to suppress a
    CancelledError (aio-libs/aiokafka#983), and a worker that carried on would keep the
    service (or a test's event loop) from ever shutting down.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


@contextlib.asynccontextmanager
async def running_task(coro: Coroutine[Any, Any, None], name: str) -> AsyncIterator[None]:
    """Run a worker loop for the duration of the block; cancel it and wait for it on exit."""
    task = asyncio.create_task(coro, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
