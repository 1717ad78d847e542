"""Pure ASGI middleware: trace context in, request log line, metrics and span out; security
headers on every response; request bodies bounded and checked (`json_checks`)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nic_shared import json_checks, problems, tracing
from nic_shared.metrics import Metrics

log = logging.getLogger("nic.http")

_PROBES = ("/metrics", "/healthz", "/readyz", "/readyz/broker")


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


_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


class SecurityHeadersMiddleware:
    """Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and
    `Cache-Control: no-store`, each unless the route set its own (public results keep their
    `Cache-Control`); and no `Server` header the app set.

    uvicorn's own `server: uvicorn` is added below the app, so only `server_header=False`
    where uvicorn is started removes it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestBodyMiddleware:
    """Bounds and checks the bodies the app parses in memory: JSON (`application/json`,
    `application/*+json`), forms (`application/x-www-form-urlencoded`) and untyped bodies.

    A `Content-Length` over `max_bytes` is 413 before a byte is read; a chunked body is
    counted as it arrives and refused at the limit. A JSON body with a key twice in one
    object is 422 (`duplicate-key`): parsers disagree on which value wins. Either answer
    comes before routing and authentication. Invalid JSON goes on to the app unchanged,
    which answers it as it always has. Other media types (multipart, octet-stream,
    attachments' PDFs and images, CSV imports) stream to their routes, which have their
    own limits.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        has_body = "transfer-encoding" in headers or headers.get("content-length", "0") != "0"
        if not has_body or not _limited(media):
            await self.app(scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            # A client waiting for 100 Continue has sent nothing: no need to read it.
            waiting = headers.get("expect", "").lower() == "100-continue"
            if not waiting and int(length) <= self.max_bytes * _DRAIN_FACTOR:
                await _discard(receive, self.max_bytes * _DRAIN_FACTOR)
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                if message.get("more_body", False):
                    await _discard(receive, self.max_bytes * _DRAIN_FACTOR - size)
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _is_json(media):
            findings = json_checks.findings(body)
            if findings:
                await _json_problem(findings)(scope, receive, send)
                return
        replayed: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([replayed], receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body is larger than the limit of {self.max_bytes} bytes"
        response = problems.problem_response(
            Request(scope),
            413,
            "payload-too-large",
            detail=detail,
            detail_nb=f"forespørselen er større enn grensen på {self.max_bytes} byte",
            headers={"Connection": "close"},
            errors=[
                {"pointer": "#", "rule": "max-body-size", "limit": self.max_bytes, "detail": detail}
            ],
            max_bytes=self.max_bytes,
        )
        await response(scope, receive, send)


_DRAIN_FACTOR = 4
"""A refused body up to this many times the limit is read and thrown away before the 413,
so the client, still sending, gets the answer rather than a reset connection; a larger one
is answered at once and the connection closed."""


async def _discard(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a refused body, at most `budget` bytes of it."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _limited(media: str) -> bool:
    return media in ("", "application/x-www-form-urlencoded") or _is_json(media)


def _is_json(media: str) -> bool:
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that gives `messages` first, then the server's (disconnects, for streams)."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def _json_problem(findings: list[json_checks.Finding]) -> ASGIApp:
    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        names = ", ".join(p for p, _, _ in findings)
        response = problems.problem_response(
            Request(scope),
            422,
            "validation-error",
            detail=f"the JSON body is not accepted as sent, at: {names}"[:2000],
            detail_nb=f"JSON-innholdet kan ikke tas imot slik det er, ved: {names}"[:2000],
            errors=[{"pointer": p, "rule": rule, "detail": d} for p, rule, d in findings[:100]],
        )
        await response(scope, receive, send)

    return respond
