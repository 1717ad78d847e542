"""W3C trace context that follows a request through the outbox, Kafka and onward events.

The trace id doubles as the request id: one id finds every log line and event a
submission caused. Each hop gets a new span id under the same trace id.

Spans. This module chooses every id; exporting is optional (`nic_shared.otel`, switched on
by the `otel_exporter_otlp_endpoint` setting). Where spans are exported, an `Exporter` is
current (`use_exporter`) and each hop hands it one finished `Span` with the ids above: the
HTTP middleware a SERVER span per request (the id echoed in `traceparent`), the outbox a
PRODUCER span per event it records (the id the event carries), the consumer a CONSUMER span
per event it handles (a child of that one). So a collector shows the ids of `x-request-id`,
the events and the log lines, and the hops chain: request -> event created -> event
handled -> the next event created. Where spans are not exported, each of these is one
None check.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from nic_shared.events import CloudEvent

log = logging.getLogger(__name__)

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str = "01"
    parent_span_id: str | None = field(default=None, compare=False)
    """The span this one continues (the caller's, or the event's); None for a new trace."""

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    def child(self) -> TraceContext:
        """The same trace, a new span: what the next hop carries."""
        return TraceContext(self.trace_id, secrets.token_hex(8), self.flags, self.span_id)


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


# --- spans -------------------------------------------------------------------------------

SpanKind = Literal["server", "consumer", "producer"]
AttributeValue = str | bool | int | float


@dataclass(frozen=True)
class Span:
    """A finished operation under our ids: `context.span_id` is its id, and
    `context.parent_span_id` its parent's."""

    name: str
    kind: SpanKind
    context: TraceContext
    start_ns: int
    end_ns: int
    attributes: Mapping[str, AttributeValue]
    error: str | None = None
    """Set when the operation failed: what went wrong, in a line."""


Exporter = Callable[[Span], None]
"""Takes finished spans (and must not block: `nic_shared.otel` queues them)."""

_exporter: ContextVar[Exporter | None] = ContextVar("nic_span_exporter", default=None)


def exporter() -> Exporter | None:
    """Where this context's finished spans go; None (the default) when none are exported."""
    return _exporter.get()


def use_exporter(exporter: Exporter | None) -> Token[Exporter | None]:
    """Send this context's spans (and those of tasks it starts) to `exporter`."""
    return _exporter.set(exporter)


def reset_exporter(token: Token[Exporter | None]) -> None:
    _exporter.reset(token)


def finish(
    exporter: Exporter,
    name: str,
    kind: SpanKind,
    context: TraceContext,
    *,
    started: float,
    attributes: Mapping[str, AttributeValue],
    error: str | None = None,
) -> None:
    """Hand `exporter` the span of an operation that began at `time.perf_counter()` value
    `started` and ends now (wall-clock times for the collector, measured monotonically)."""
    end_ns = time.time_ns()
    start_ns = end_ns - max(round((time.perf_counter() - started) * 1e9), 0)
    _hand(exporter, Span(name, kind, context, start_ns, end_ns, attributes, error))


def event_created(event: CloudEvent, topic: str) -> None:
    """The outbox recorded `event` in the current trace: a PRODUCER span whose id is the
    span id the event carries, a child of the current span. Consumers continue from it."""
    spans = _exporter.get()
    if spans is None:
        return
    parent = _current.get()
    carried = parse_traceparent(event.traceparent)
    if parent is None or carried is None:
        return
    now = time.time_ns()
    context = TraceContext(carried.trace_id, carried.span_id, carried.flags, parent.span_id)
    attributes = _messaging(event, topic, "create")
    _hand(spans, Span(f"create {event.type}", "producer", context, now, now, attributes))


def event_handled(
    event: CloudEvent,
    context: TraceContext,
    *,
    topic: str,
    partition: int,
    offset: int,
    group: str,
    started: float,
    outcome: str,
    failure: BaseException | None = None,
) -> None:
    """The consumer is done with one delivery of `event` under `context` (a child of the
    span the event carries): a CONSUMER span. `outcome`: applied, duplicate, retry,
    dead_lettered or interrupted."""
    spans = _exporter.get()
    if spans is None:
        return
    attributes: dict[str, AttributeValue] = {
        **_messaging(event, topic, "process"),
        "messaging.consumer.group.name": group,
        "messaging.destination.partition.id": str(partition),
        "messaging.kafka.offset": offset,
        "nic.event.outcome": outcome,
    }
    error = None
    if failure is not None:
        attributes["error.type"] = type(failure).__name__
        error = f"{type(failure).__name__}: {failure}"[:500]
    finish(
        spans,
        f"process {event.type}",
        "consumer",
        context,
        started=started,
        attributes=attributes,
        error=error,
    )


def _hand(exporter: Exporter, span: Span) -> None:
    try:
        exporter(span)
    except Exception:  # a span lost must never fail the request or the event it describes
        log.warning("span not exported", extra={"span": span.name}, exc_info=True)


def _messaging(event: CloudEvent, topic: str, operation: str) -> dict[str, AttributeValue]:
    return {
        "messaging.system": "kafka",
        "messaging.operation.type": operation,
        "messaging.operation.name": operation,
        "messaging.destination.name": topic,
        "messaging.message.id": event.id,
        "messaging.kafka.message.key": event.subject,
        "cloudevents.event_id": event.id,
        "cloudevents.event_type": event.type,
        "cloudevents.event_source": event.source,
        "cloudevents.event_subject": event.subject,
    }
