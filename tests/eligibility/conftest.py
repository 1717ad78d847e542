"""Fixtures of the eligibility API tests: the service on a fresh database (both backends)
with a real HTTP stand-in for the registry's facts endpoint, and no broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from nic_eligibility.main import MIGRATIONS, create_app
from nic_eligibility.models import messaging
from nic_eligibility.settings import EligibilitySettings
from nic_shared.events import CloudEvent, EventPayload
from tests.eligibility.stand_in import FactsStandIn, envelope
from tests.support.ports import free_port
from tests.support.services import RunningService, serve, service_settings


@pytest.fixture
async def facts() -> AsyncIterator[FactsStandIn]:
    stand_in = FactsStandIn()
    async with stand_in.running():
        yield stand_in


def eligibility_settings(
    broker: str, url: str, prefix: str, registry_url: str, **overrides: Any
) -> EligibilitySettings:
    values = {
        **service_settings(broker, url, prefix),
        "registry_url": registry_url,
        "registry_attempts": 2,
        "registry_backoff_s": 0.02,
        "registry_connect_timeout_s": 0.5,
        "registry_timeout_s": 2.0,
        **overrides,
    }
    return EligibilitySettings(**values)


@pytest.fixture
async def service(
    new_database: Any, facts: FactsStandIn, topic_prefix: str
) -> AsyncIterator[RunningService]:
    """No broker: the relay and consumer back off quietly; events are fed to the handlers."""
    url = await new_database("eligibility", MIGRATIONS)
    nowhere = f"127.0.0.1:{free_port()}"
    app = create_app(eligibility_settings(nowhere, url, topic_prefix, facts.url))
    async with serve(app, ready=False) as running:
        yield running


async def deliver(app: FastAPI, payload: EventPayload) -> CloudEvent:
    """Run an event through its subscription as the consumer does: prepare, then handle in
    one transaction (no Kafka)."""
    subscription = app.state.consumer.handlers[payload.TYPE]
    event = envelope(payload)
    context = await subscription.prepare(payload, event) if subscription.prepare else None
    async with app.state.db.transaction() as session:
        await subscription.handle(session, payload, event, context)
    return event


async def outbox_events(app: FastAPI) -> list[CloudEvent]:
    outbox = messaging.outbox
    async with app.state.db.transaction() as session:
        rows = (await session.execute(select(outbox.c.payload).order_by(outbox.c.id))).all()
    return [CloudEvent.model_validate_json(r.payload) for r in rows]
