"""W3C trace context that follows a request through the outbox, Kafka and onward events.

The trace id doubles as the request id: one id finds every log line and event a
submission caused. Each hop gets a new span id under the same trace id.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def child(self) -> TraceContext:
        """The same trace, a new span: what the next hop carries."""
        return TraceContext(self.trace_id, secrets.token_hex(8), self.flags)


_current: ContextVar[TraceContext | None] = ContextVar("nic_trace", default=None)


def new_trace() -> TraceContext:
    return TraceContext(secrets.token_hex(16), secrets.token_hex(8))


def parse_traceparent(value: str | None) -> TraceContext | None:
    """A valid `traceparent` header, or None (an all-zero id is invalid by the spec)."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if not match or set(match.group(1)) == {"0"} or set(match.group(2)) == {"0"}:
        return None
    return TraceContext(match.group(1), match.group(2), match.group(3))


def current() -> TraceContext | None:
    return _current.get()


def activate(context: TraceContext) -> object:
    """Make `context` current; returns a token for `deactivate`."""
    return _current.set(context)


def deactivate(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def continue_from(traceparent: str | None) -> TraceContext:
    """A child of the incoming trace, or a new trace when there is none."""
    parent = parse_traceparent(traceparent)
    return parent.child() if parent else new_trace()
