"""Waiting for a condition in the operations tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


async def eventually(
    probe: Callable[[], Awaitable[Any]], timeout_s: float = 30.0, interval_s: float = 0.2
) -> Any:
    """Call probe until it returns something truthy; return that, or fail after timeout_s."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    last: Any = None
    while loop.time() < end:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"condition not met in {timeout_s}s; last: {last!r}")
