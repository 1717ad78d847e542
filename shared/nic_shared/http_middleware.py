"""Pure ASGI middleware: trace context in, request log line and metrics out."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nic_shared import tracing
from nic_shared.metrics import Metrics

log = logging.getLogger("nic.http")


class RequestContextMiddleware:
    """Continues the caller's `traceparent` (or starts a trace) and echoes its id back."""

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
            if route not in ("/metrics", "/healthz", "/readyz"):
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
            tracing.deactivate(token)


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    return str(getattr(route, "path", "unmatched"))
