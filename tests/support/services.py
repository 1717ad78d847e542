"""Run a service the way production does: its migrations, its lifespan, real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from nic_shared import migrations
from nic_shared.devtoken import mint
from tests.support.ports import free_port

TEST_JWT_SECRET = "test-secret-" + "x" * 40


def token(*roles: str, **claims: Any) -> str:
    return mint(roles=list(roles), secret=TEST_JWT_SECRET, **claims)


def auth(*roles: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(*roles, **claims)}"}


def service_settings(broker: str, database_url: str, prefix: str) -> dict[str, Any]:
    """Settings every service under test gets: its own topics, short broker timeouts."""
    return {
        "environment": "test",
        "database_url": database_url,
        "kafka_bootstrap": broker,
        "kafka_topic_prefix": prefix,
        "kafka_partitions": 2,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 200,
        "relay_poll_interval_s": 0.2,
        "consumer_backoff_initial_s": 0.05,
        "consumer_backoff_max_s": 0.5,
        "jwt_secret": TEST_JWT_SECRET,
        "db_pool_size": 5,
        # No virus scanner in most tests: uploads are held as unscanned, and allowed.
        # tests/intake/test_attachment_scanning.py runs a real clamd and turns this off.
        "allow_unscanned_attachments": True,
    }


@dataclass
class RunningService:
    app: FastAPI
    base_url: str
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def serve(app: FastAPI, *, ready: bool = True) -> AsyncIterator[RunningService]:
    """Serve `app` with uvicorn on a free port in this event loop; wait until ready and
    connected to the broker (/readyz and /readyz/broker)."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,  # as the services run (nic_shared.cli)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    base_url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        try:
            await _wait_until_up(client, server, ready)
            yield RunningService(app, base_url, client)
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, timeout=15)


async def _wait_until_up(client: httpx.AsyncClient, server: uvicorn.Server, ready: bool) -> None:
    # Ready, for a test, is also connected: the broker's links are their own status.
    paths = ("/readyz", "/readyz/broker") if ready else ("/healthz",)
    for _ in range(400):
        if server.started:
            with contextlib.suppress(httpx.TransportError):
                if all([(await client.get(p)).status_code == 200 for p in paths]):
                    return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"service did not answer {paths} with 200")


async def migrate(migrations_dir: Path, url: str) -> None:
    await asyncio.to_thread(migrations.upgrade, migrations_dir, url)


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."
