"""Build a service's FastAPI app: problem handlers, auth, tracing, metrics, health, and a
lifespan that owns the database, the outbox relay and the event consumer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.types import ASGIApp

from nic_shared import asyncapi, logs, openapi, ops, problems, query_params, tracing
from nic_shared.auth import TokenVerifier
from nic_shared.consumer import EventConsumer, Subscription
from nic_shared.db import Database
from nic_shared.http_middleware import (
    RequestBodyMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics
from nic_shared.outbox import OutboxRelay
from nic_shared.retention import RetentionWorker
from nic_shared.settings import ServiceSettings

if TYPE_CHECKING:
    from nic_shared.otel import OtlpSpans

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    """What makes one service: its settings, tables, routes and the events it consumes."""

    settings: ServiceSettings
    title: str
    description: str
    tables: MessagingTables
    routers: list[APIRouter]
    consumes: list[str] = field(default_factory=list)
    subscriptions: list[Subscription[Any]] = field(default_factory=list)
    openapi_tags: list[dict[str, str]] = field(default_factory=list)
    resources: list[Callable[[FastAPI], AbstractAsyncContextManager[None]]] = field(
        default_factory=list
    )
    """Extra resources the lifespan owns (an HTTP client, the mail worker), entered in order
    after the database."""


def _operation_id(route: APIRoute) -> str:
    """Stable operationIds: the endpoint function's name, which we keep unique per service."""
    return route.name


class _ServiceApp(FastAPI):
    """FastAPI with the security headers outside everything, Starlette's error middleware
    included, so the 500 problem and CORS preflights carry them too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def create_service_app(spec: ServiceSpec) -> FastAPI:
    settings = spec.settings
    logs.configure(settings.service_name, settings.log_level)
    metrics = Metrics(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            lock_timeout_ms=settings.db_lock_timeout_ms,
            statement_timeout_ms=settings.db_statement_timeout_ms,
            session_info={
                "messaging": spec.tables,
                "event_source": f"/nic/{settings.service_name}",
            },
        )
        relay = OutboxRelay(db=db, tables=spec.tables, settings=settings, metrics=metrics)
        db.on_commit(relay.wake)
        consumer = (
            EventConsumer(
                db=db,
                tables=spec.tables,
                settings=settings,
                metrics=metrics,
                topics=spec.consumes,
                subscriptions=spec.subscriptions,
            )
            if spec.subscriptions
            else None
        )
        app.state.db, app.state.relay, app.state.consumer = db, relay, consumer
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(db.dispose)
            spans = _span_exporter(settings)
            if spans is not None:
                # Shut down last: after the consumer and relay stop, what they did is sent.
                stack.push_async_callback(asyncio.to_thread, spans.shutdown)
                # Requests find it here; the tasks started below (consumer) inherit it.
                app.state.span_exporter = spans
                stack.callback(setattr, app.state, "span_exporter", None)
                stack.callback(tracing.reset_exporter, tracing.use_exporter(spans))
            for resource in spec.resources:
                await stack.enter_async_context(resource(app))
            tasks = [asyncio.create_task(relay.run(), name="outbox-relay")]
            retention = RetentionWorker(
                db=db, tables=spec.tables, settings=settings, metrics=metrics
            )
            tasks.append(asyncio.create_task(retention.run(), name="retention"))
            stack.push_async_callback(relay.stop)
            if consumer is not None:
                tasks.append(asyncio.create_task(consumer.run(), name="event-consumer"))
                stack.push_async_callback(consumer.stop)
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    app = _ServiceApp(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_tags=[
            *spec.openapi_tags,
            {
                "name": "operations",
                "description": "Health, metrics, the event contract, dead letters and trails.",
            },
        ],
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(query_params.refuse_undeclared)],
    )
    app.state.settings = settings
    app.state.tables = spec.tables
    app.state.span_exporter = None
    app.state.metrics = metrics
    app.state.verifier = TokenVerifier(settings)
    problems.install(app)
    openapi.install(app)
    # Outermost last: CORS, then trace context and logs, then the body checks (before
    # routing, so before authentication), then the app.
    app.add_middleware(RequestBodyMiddleware, max_bytes=settings.max_json_body_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "Accept-Language",
                "traceparent",
            ],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After"],
        )
    app.include_router(_operations_router())
    app.include_router(ops.router, responses=problems.COMMON_RESPONSES)
    for router in spec.routers:
        app.include_router(router, responses=problems.COMMON_RESPONSES)
    return app


def _span_exporter(settings: ServiceSettings) -> OtlpSpans | None:
    """OpenTelemetry export when a collector is named; otherwise the SDK is never loaded."""
    if not settings.otel_exporter_otlp_endpoint:  # unset, or empty (as compose passes it)
        return None
    from nic_shared.otel import OtlpSpans

    spans = OtlpSpans(settings.service_name, settings.otel_exporter_otlp_endpoint)
    log.info("exporting spans over OTLP/HTTP", extra={"url": spans.url})
    return spans


def _broker(request: Request) -> dict[str, str]:
    """Each link to the broker this service has: the outbox relay, and its consumer if any."""
    links = {"relay": "ok" if request.app.state.relay.connected else "unavailable"}
    consumer = request.app.state.consumer
    if consumer is not None:
        links["consumer"] = "ok" if consumer.connected else "unavailable"
    return links


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="The service can accept requests (its database answers)",
        description="Ready means the database answers: with the broker away the service "
        "still accepts requests (the outbox keeps its events until the broker is back), so a "
        "load balancer must keep sending. The broker's links are reported in `broker` and "
        "by `GET /readyz/broker` and the `nic_broker_connected` metric.",
        responses={503: {"description": "Not ready", "content": {problems.MEDIA_TYPE: {}}}},
    )
    async def readyz(request: Request) -> dict[str, Any]:
        try:
            await request.app.state.db.ping()
        except Exception as exc:  # reported, not raised: this is the check
            raise problems.ServiceUnavailable(
                f"not ready: database unavailable: {type(exc).__name__}",
                headers={"Retry-After": "1"},
                checks={"database": f"unavailable: {type(exc).__name__}"},
            ) from None
        return {"status": "ready", "checks": {"database": "ok"}, "broker": _broker(request)}

    @router.get(
        "/readyz/broker",
        summary="The broker's links are up (outbox relay and consumer)",
        description="Its own status, apart from readiness: 503 while the relay or the "
        "consumer has no connection to the broker (events wait in the outbox meanwhile).",
        responses={503: {"description": "A link is down", "content": {problems.MEDIA_TYPE: {}}}},
    )
    async def broker_status(request: Request) -> dict[str, Any]:
        links = _broker(request)
        down = [name for name, state in links.items() if state != "ok"]
        if down:
            raise problems.ServiceUnavailable(
                "broker unavailable: " + ", ".join(down),
                headers={"Retry-After": "1"},
                checks=links,
            )
        return {"status": "connected", "checks": links}

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics(request: Request) -> Response:
        return Response(
            request.app.state.metrics.render(),
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )

    @router.get("/asyncapi.json", summary="The event contract (AsyncAPI 3)")
    async def asyncapi_document() -> dict[str, Any]:
        return asyncapi.document()

    return router
