"""The server's clock as a dependency, so tests can stand one millisecond before a deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def _clock(request: Request) -> Clock:
    clock: Clock = getattr(request.app.state, "clock", system_clock)
    return clock


ClockDep = Annotated[Clock, Depends(_clock)]
