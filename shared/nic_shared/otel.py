"""OpenTelemetry export of the spans `nic_shared.tracing` describes: OTLP/HTTP (protobuf),
batched, with the resource `service.name` = the service.

The only module that imports the OpenTelemetry SDK, and it is imported only when a
service's `otel_exporter_otlp_endpoint` is set (see `app.py`). `tracing` keeps choosing
every id; each finished span is recorded through the SDK's tracer with its parent given as
an explicit context and an id generator that hands the SDK the span's own ids, so the
collector receives exactly the ids of `x-request-id`, the `traceparent` headers, the events
and the log lines. The parent's sampled flag is honoured (`traceparent` flags 00: not
exported); a new trace is always sampled.
"""

from __future__ import annotations

from contextvars import ContextVar

from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    set_span_in_context,
)

from nic_shared import tracing

_KINDS = {
    "server": SpanKind.SERVER,
    "consumer": SpanKind.CONSUMER,
    "producer": SpanKind.PRODUCER,
}


def traces_url(endpoint: str) -> str:
    """A collector's OTLP/HTTP base URL (as in OTEL_EXPORTER_OTLP_ENDPOINT) -> its traces URL."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1/traces") else f"{base}/v1/traces"


class _GivenIds(IdGenerator):
    """The SDK asks for ids when a span starts: it gets the ones `tracing` chose."""

    def __init__(self) -> None:
        self.next: ContextVar[tuple[int, int]] = ContextVar("nic_otel_ids")

    def generate_trace_id(self) -> int:  # asked only for a span without a parent
        return self.next.get()[0]

    def generate_span_id(self) -> int:
        return self.next.get()[1]


class OtlpSpans:
    """One service's span export, a `tracing.Exporter`: call it with finished spans (they
    are queued and sent in batches by the SDK's worker thread); `shutdown()` flushes."""

    def __init__(self, service_name: str, endpoint: str, *, timeout_s: float = 5.0) -> None:
        self.url = traces_url(endpoint)
        self._ids = _GivenIds()
        # The service's own provider, not the global one: nothing else in the process
        # (another service under test, a library) shares or changes it.
        self._provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: service_name}),
            sampler=ParentBased(ALWAYS_ON),
            id_generator=self._ids,
            shutdown_on_exit=False,  # the app's lifespan shuts it down
        )
        self._provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=self.url, timeout=timeout_s))
        )
        self._tracer = self._provider.get_tracer("nic_shared")

    def __call__(self, span: tracing.Span) -> None:
        ids = span.context
        parent = Context()  # empty: a new trace, whatever OpenTelemetry's own context holds
        if ids.parent_span_id is not None:
            parent = set_span_in_context(
                NonRecordingSpan(
                    SpanContext(
                        trace_id=int(ids.trace_id, 16),
                        span_id=int(ids.parent_span_id, 16),
                        # a request's or an event's parent ran elsewhere; an event's creation
                        # is a child of the span that recorded it, here
                        is_remote=span.kind != "producer",
                        trace_flags=TraceFlags(int(ids.flags, 16)),
                    )
                ),
                parent,
            )
        token = self._ids.next.set((int(ids.trace_id, 16), int(ids.span_id, 16)))
        try:
            recorded = self._tracer.start_span(
                span.name,
                context=parent,
                kind=_KINDS[span.kind],
                attributes=dict(span.attributes),
                start_time=span.start_ns,
            )
        finally:
            self._ids.next.reset(token)
        if span.error is not None:
            recorded.set_status(Status(StatusCode.ERROR, span.error))
        recorded.end(end_time=span.end_ns)

    def shutdown(self) -> None:
        """Send what is queued (blocking, bounded by the export timeout), then stop."""
        self._provider.shutdown()
