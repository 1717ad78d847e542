"""Fixtures every suite shares: a real broker, real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.support.broker import Broker
from tests.support.environment import clear_platform_settings
from tests.support.postgres import PostgresServer
from tests.support.services import migrate, unique_prefix

pytest_plugins = ["tests.support.watchdog"]

# A platform `make run` has up may have its NIC_* settings in this shell: none reach a test.
clear_platform_settings()

BACKENDS = [b for b in os.environ.get("NIC_TEST_DBS", "sqlite,postgresql").split(",") if b]

NewDatabase = Callable[[str, Path | None], Awaitable[str]]


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    running = Broker().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def new_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[NewDatabase]:
    """Make a fresh database on the test's backend, migrated when given a migrations folder."""
    server: PostgresServer | None = (
        request.getfixturevalue("postgres") if backend == "postgresql" else None
    )
    created: list[str] = []

    async def make(name: str, migrations: Path | None = None) -> str:
        if server is None:
            url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
        else:
            db = f"{name}_{uuid.uuid4().hex[:12]}"
            conn = await asyncpg.connect(server.admin_dsn)
            try:
                await conn.execute(f'CREATE DATABASE "{db}"')
            finally:
                await conn.close()
            created.append(db)
            url = f"{server.url}/{db}"
        if migrations is not None:
            await migrate(migrations, url)
        return url

    yield make
    if server is not None and created:
        conn = await asyncpg.connect(server.admin_dsn)
        try:
            for db in created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture
def topic_prefix() -> str:
    return unique_prefix()
