"""A hung test fails, with every asyncio task's stack, instead of stalling the whole run.

CI gives the suite a fixed time; one test waiting for ever (a client that never stops, a
future nobody resolves) would use all of it and say nothing of where it hung. Thread stacks
(faulthandler) only show the event loop in select(), so the tasks' stacks are printed too.
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

import pytest

LIMIT_S = float(os.environ.get("NIC_TEST_TIMEOUT_S", "300"))


def _dump_and_fail(signum: int, frame: FrameType | None) -> None:
    out = sys.__stderr__ or sys.stderr
    print(f"\n=== test exceeded {LIMIT_S:.0f}s; asyncio tasks ===", file=out)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        for task in asyncio.all_tasks(loop):
            print(f"--- {task!r}", file=out)
            task.print_stack(file=out)
    print("=== threads ===", file=out)
    faulthandler.dump_traceback(file=out, all_threads=True)
    out.flush()
    pytest.fail(f"test exceeded {LIMIT_S:.0f}s (NIC_TEST_TIMEOUT_S); stacks on stderr")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[object]:
    """Covers setup, call and teardown: a fixture can hang as well as a test."""
    if LIMIT_S <= 0 or not hasattr(signal, "SIGALRM"):
        return (yield)
    previous = signal.signal(signal.SIGALRM, _dump_and_fail)
    signal.setitimer(signal.ITIMER_REAL, LIMIT_S)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
