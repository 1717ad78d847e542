"""The operations service: live event stream, where-is-X, dead letters, webhooks, /ops page."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI
from prometheus_client import Counter, Gauge

from nic_operations import api, views_api, webhook_api, webhook_delivery
from nic_operations.models import messaging
from nic_operations.pipeline import SUBSCRIPTIONS
from nic_operations.settings import OperationsSettings
from nic_operations.trail import ServiceClient
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import TOPICS

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@contextlib.asynccontextmanager
async def _resources(app: FastAPI) -> AsyncIterator[None]:
    settings: OperationsSettings = app.state.settings
    async with httpx.AsyncClient(timeout=settings.service_timeout_s) as client:
        app.state.services = ServiceClient(settings.service_urls, client)
        async with webhook_delivery.delivery_worker(app):
            yield


def create_app(settings: OperationsSettings | None = None) -> FastAPI:
    settings = settings or OperationsSettings()
    app = create_service_app(
        ServiceSpec(
            settings=settings,
            title="NIC operations",
            description=(
                "For on-call staff: the platform's events live (SSE), where an application "
                "is, pipeline counts per call, every service's backlog, lag and dead letters "
                "with replay, webhooks for integrating systems, and the page at /ops."
            ),
            tables=messaging,
            routers=[api.router, views_api.router, webhook_api.router],
            consumes=list(TOPICS),
            subscriptions=SUBSCRIPTIONS,
            resources=[_resources],
            openapi_tags=[
                {"name": "stream", "description": "The live event stream (Server-Sent Events)."},
                {"name": "trail", "description": "Where is application X."},
                {"name": "pipeline", "description": "Per-call counts."},
                {"name": "services", "description": "Every service's status and dead letters."},
                {"name": "webhooks", "description": "Signed deliveries to HTTPS endpoints."},
            ],
        )
    )
    registry = app.state.metrics.registry
    app.state.viewers = 0
    app.state.viewer_gauge = Gauge(  # each worker counts its own; the live ones add up
        "nic_ops_stream_viewers",
        "Open live-stream connections",
        registry=registry,
        multiprocess_mode="livesum",
    )
    app.state.webhook_outcomes = Counter(
        "nic_webhook_attempts",
        "Webhook delivery attempts by outcome",
        ["outcome"],
        registry=registry,
    )
    secret = settings.stream_ticket_secret
    app.state.ticket_secret = secret.encode() if secret else secrets.token_bytes(32)
    return app
