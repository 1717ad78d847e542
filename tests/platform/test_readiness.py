"""Readiness means "can accept requests": the database answers. The broker's links are their
own status (`/readyz/broker`) and metric (`nic_broker_connected`), so a broker outage does
not take a service out of its load balancer while its outbox keeps accepting."""

from __future__ import annotations

import asyncio

import pytest

from nic_shared.problems import MEDIA_TYPE
from tests.platform.test_database_unavailable import _notes_app
from tests.shared import harness
from tests.support.ports import free_port
from tests.support.services import serve, service_settings


def _gauge(metrics: str, link: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(f'nic_broker_connected{{link="{link}"}}'):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no nic_broker_connected for {link}:\n{metrics}")


@pytest.fixture
async def settings_for(new_database, topic_prefix):
    async def make(bootstrap: str) -> harness.HarnessSettings:
        db = await harness.open_database(await new_database("harness", None))
        await db.dispose()
        return harness.HarnessSettings(**service_settings(bootstrap, db.url, topic_prefix))

    return make


async def test_service_without_a_broker_is_ready_and_accepts_requests(settings_for):
    settings = await settings_for(f"127.0.0.1:{free_port()}")  # nothing listens there
    async with serve(_notes_app(settings), ready=False) as service:
        ready = await service.client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok"}
        assert ready.json()["broker"] == {"relay": "unavailable"}

        stored = await service.client.post(
            "/v1/notes", json={"text": "kept in the outbox"}, headers={"Idempotency-Key": "k-1"}
        )
        assert stored.status_code == 201, stored.text


async def test_broker_status_is_503_problem_while_the_broker_is_away(settings_for):
    settings = await settings_for(f"127.0.0.1:{free_port()}")
    async with serve(_notes_app(settings), ready=False) as service:
        status = await service.client.get("/readyz/broker")
        assert status.status_code == 503
        assert status.headers["content-type"].startswith(MEDIA_TYPE)
        assert status.headers["retry-after"] == "1"
        assert "relay" in status.json()["detail"]
        metrics = (await service.client.get("/metrics")).text
        assert _gauge(metrics, "relay") == 0


async def test_broker_status_and_metric_say_connected_once_the_relay_is(settings_for, broker):
    settings = await settings_for(broker.bootstrap)
    async with serve(_notes_app(settings), ready=False) as service:
        for _ in range(200):
            if (await service.client.get("/readyz/broker")).status_code == 200:
                break
            await asyncio.sleep(0.05)
        status = await service.client.get("/readyz/broker")
        assert status.status_code == 200, status.text
        assert status.json()["checks"] == {"relay": "ok"}
        metrics = (await service.client.get("/metrics")).text
        assert _gauge(metrics, "relay") == 1
