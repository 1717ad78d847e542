"""The intake service under test: a fresh migrated database, an injected clock, real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from tests.intake.builders import Clock
from tests.support.ports import free_port
from tests.support.services import serve, service_settings


@dataclass
class Intake:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    database_url: str
    data_dir: Path


StartIntake = Callable[..., AbstractAsyncContextManager[Intake]]


@pytest.fixture
def start_intake(new_database: Any, tmp_path: Path) -> StartIntake:
    """Start intake on a fresh database; settings may be overridden per test."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Intake]:
        url = await new_database("intake", MIGRATIONS)
        # no broker: the relay backs off quietly, events stay readable in the outbox
        settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.")
        settings.update(
            data_dir=str(tmp_path / "data"),
            relay_backoff_max_s=0.5,
            mail_poll_interval_s=0.05,
            mail_backoff_max_s=0.2,
        )
        settings.update(overrides)
        app = create_app(IntakeSettings(**settings))
        clock = Clock()
        app.state.clock = clock
        async with serve(app, ready=False) as running:
            yield Intake(app, running.client, clock, url, tmp_path / "data")

    return start


@pytest.fixture
async def intake(start_intake: StartIntake) -> AsyncIterator[Intake]:
    async with start_intake() as running:
        yield running
