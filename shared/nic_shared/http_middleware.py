"""Pure ASGI middleware: trace context in, request log line, metrics and span out."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nic_shared import tracing
from nic_shared.metrics import Metrics

log = logging.getLogger("nic.http")

_PROBES = ("/metrics", "/healthz", "/readyz")


class RequestContextMiddleware:
    """Continues the caller's `traceparent` (or starts a trace) and echoes its id back.

    Where the app exports spans (`app.state.span_exporter`, set by its lifespan), each
    request but the probes is a SERVER span with the echoed ids, and the exporter is current
    while the request runs, so the events it records are spans too.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        context = tracing.continue_from(headers.get(b"traceparent", b"").decode() or None)
        token = tracing.activate(context)
        spans = _span_exporter(scope)
        spans_token = tracing.use_exporter(spans) if spans is not None else None
        started = time.perf_counter()
        status = 500

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [
                    (b"x-request-id", context.trace_id.encode()),
                    (b"traceparent", context.traceparent.encode()),
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            elapsed = time.perf_counter() - started
            route = _route(scope)
            method = scope["method"]
            self.metrics.http_requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.http_latency.labels(method=method, route=route).observe(elapsed)
            if route not in _PROBES:
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )
            if spans is not None and route not in _PROBES:
                _server_span(spans, scope, context, route, status, started)
            if spans_token is not None:
                tracing.reset_exporter(spans_token)
            tracing.deactivate(token)


def _span_exporter(scope: Scope) -> tracing.Exporter | None:
    app: Any = scope.get("app")
    return getattr(getattr(app, "state", None), "span_exporter", None)


def _server_span(
    spans: tracing.Exporter,
    scope: Scope,
    context: tracing.TraceContext,
    route: str,
    status: int,
    started: float,
) -> None:
    method = scope["method"]
    matched = route != "unmatched"
    attributes: dict[str, tracing.AttributeValue] = {
        "http.request.method": method,
        "http.response.status_code": status,
        "url.path": scope["path"],
        "url.scheme": scope.get("scheme", "http"),
        "network.protocol.version": scope.get("http_version", "1.1"),
    }
    if matched:
        attributes["http.route"] = route
    error = None
    if status >= 500:  # a 4xx is the client's error, not the server span's
        attributes["error.type"] = str(status)
        error = f"HTTP {status}"
    name = f"{method} {route}" if matched else method
    tracing.finish(
        spans, name, "server", context, started=started, attributes=attributes, error=error
    )


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    return str(getattr(route, "path", "unmatched"))
