"""The one place retry waits are computed: capped exponential backoff with jitter, and the
Retry-After header read as RFC 9110 §10.2.3 writes it.

Every retry loop (outbox relay, consumer reconnect and redelivery, mail worker, webhook
deliveries, the registry and token clients) asks here how long to wait:

- `backoff_delays(first, maximum, factor)`: the waits of one run of failures, each drawn at
  random ("full jitter": uniform between 0 and the capped exponential step), so instances
  that failed together do not retry together. A wait is never longer than the step without
  jitter was, so no loop retries later than it did before jitter. `reset()` after a success.
- `backoff_delay(attempt, ...)`: the same for a loop that counts its own attempts.
- `jittered(delay, spread)`: a wait from a fixed schedule, drawn from `[delay*(1-spread), delay]`.
- `retry_after_seconds(value, now)`: seconds to wait for a Retry-After header, either form
  (delay-seconds or an HTTP date), clamped to [0, maximum]; None when absent or unreadable.

Pass a seeded `random.Random` for deterministic waits (tests).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_RANDOM = random.Random()
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def jittered(delay: float, *, spread: float = 1.0, rng: random.Random | None = None) -> float:
    """A wait drawn uniformly from `[delay * (1 - spread), delay]`; spread 1 is full jitter."""
    if not 0.0 <= spread <= 1.0:
        raise ValueError("spread is a fraction between 0 and 1")
    delay = max(delay, 0.0)
    return (rng or _RANDOM).uniform(delay * (1.0 - spread), delay)


def backoff_step(attempt: int, *, first: float, maximum: float, factor: float = 2.0) -> float:
    """The wait after failure number `attempt` (1, 2, ...) without jitter: first*factor^(n-1),
    capped at `maximum`."""
    if attempt < 1:
        raise ValueError("attempts count from 1")
    try:
        step = first * factor ** (attempt - 1)
    except OverflowError:
        return maximum
    return min(step, maximum)


def backoff_delay(
    attempt: int,
    *,
    first: float,
    maximum: float,
    factor: float = 2.0,
    rng: random.Random | None = None,
) -> float:
    """The wait after failure number `attempt`, with full jitter."""
    step = backoff_step(attempt, first=first, maximum=maximum, factor=factor)
    return jittered(step, rng=rng)


class Backoff(Iterator[float]):
    """The waits of one run of failures (an endless iterator); `reset()` after a success."""

    def __init__(
        self,
        first: float,
        maximum: float,
        factor: float = 2.0,
        *,
        rng: random.Random | None = None,
    ) -> None:
        if first < 0 or maximum < 0 or factor < 1:
            raise ValueError("backoff needs first, maximum >= 0 and factor >= 1")
        self.first, self.maximum, self.factor, self.rng = first, maximum, factor, rng
        self.attempt = 0

    def __next__(self) -> float:
        self.attempt += 1
        return backoff_delay(
            self.attempt, first=self.first, maximum=self.maximum, factor=self.factor, rng=self.rng
        )

    def reset(self) -> None:
        """The next failure starts again from `first`."""
        self.attempt = 0


def backoff_delays(
    first: float, maximum: float, factor: float = 2.0, *, rng: random.Random | None = None
) -> Backoff:
    """Waits first, first*factor, ... capped at `maximum`, each with full jitter."""
    return Backoff(first, maximum, factor, rng=rng)


def retry_after_seconds(
    value: str | None, now: datetime | None = None, *, maximum: float | None = None
) -> float | None:
    """Seconds a Retry-After header asks for: delay-seconds (`120`) or an HTTP date
    (`Wed, 21 Oct 2026 07:28:00 GMT`, and the obsolete forms RFC 9110 says to accept),
    counted from `now` (default: the current time). Negative values and dates in the past
    are 0; a value over `maximum` is `maximum`. None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    seconds = float(text) if _NUMBER.fullmatch(text) else _seconds_until_date(text, now)
    if seconds is None or not math.isfinite(seconds):
        return None
    seconds = max(seconds, 0.0)
    return float(min(seconds, maximum)) if maximum is not None else seconds


def _seconds_until_date(text: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return (when - now).total_seconds()
