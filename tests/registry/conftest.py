"""The registry under test: a fresh migrated database (SQLite and PostgreSQL), real HTTP, no
broker (events are read from the outbox)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from nic_registry.main import MIGRATIONS, create_app
from nic_registry.settings import RegistrySettings
from tests.registry.builders import Clock
from tests.support.ports import free_port
from tests.support.services import serve, service_settings


@dataclass
class Registry:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    database_url: str


StartRegistry = Callable[..., AbstractAsyncContextManager[Registry]]


@pytest.fixture
def start_registry(new_database: Any) -> StartRegistry:
    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Registry]:
        url = await new_database("registry", MIGRATIONS)
        settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.")
        settings.update(relay_backoff_max_s=0.5)
        settings.update(overrides)
        app = create_app(RegistrySettings(**settings))
        clock = Clock()
        app.state.clock = clock
        async with serve(app, ready=False) as running:
            yield Registry(app, running.client, clock, url)

    return start


@pytest.fixture
async def registry(start_registry: StartRegistry) -> AsyncIterator[Registry]:
    async with start_registry() as running:
        yield running
