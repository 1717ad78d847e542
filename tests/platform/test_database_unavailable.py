"""A locked or slow database answers 503 with Retry-After as problem+json, never 500, and an
idempotent retry then succeeds (both databases)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Annotated, Any

import asyncpg
import pytest
from fastapi import APIRouter, FastAPI, Header
from pydantic import BaseModel, ConfigDict

from nic_shared import idempotency
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.db import SessionDep
from tests.shared import harness
from tests.support.services import serve, service_settings


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


def _notes_app(settings: harness.HarnessSettings) -> FastAPI:
    router = APIRouter()

    @router.post("/v1/notes", status_code=201)
    async def create_note(
        note: NoteIn, session: SessionDep, key: Annotated[str, Header(alias="Idempotency-Key")]
    ) -> Any:
        body_hash = idempotency.request_hash(note.model_dump())
        stored = await idempotency.lookup(session, scope="notes", key=key, body_hash=body_hash)
        if stored is not None:
            return stored.body
        result = await session.execute(harness.notes.insert().values(text=note.text))
        body = {"id": result.inserted_primary_key[0], "text": note.text}
        await idempotency.remember(
            session, scope="notes", key=key, body_hash=body_hash, status_code=201, body=body
        )
        return body

    return create_service_app(
        ServiceSpec(
            settings=settings, title="t", description="t", tables=harness.tables, routers=[router]
        )
    )


@pytest.fixture
async def notes_service(backend, broker, new_database, topic_prefix):
    db = await harness.open_database(await new_database("harness", None))
    await db.dispose()
    values = service_settings(broker.bootstrap, db.url, topic_prefix) | {
        "sqlite_busy_timeout_ms": 200,
        "db_lock_timeout_ms": 200,
    }
    async with serve(_notes_app(harness.HarnessSettings(**values)), ready=False) as service:
        yield backend, db.url, service


async def _hold_lock(backend: str, url: str, release: asyncio.Event, held: asyncio.Event) -> None:
    """Another client takes the write lock, sets `held`, and holds it until released."""
    if backend == "sqlite":
        path = url.split(":///", 1)[1]
        loop = asyncio.get_running_loop()

        def hold() -> None:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            loop.call_soon_threadsafe(held.set)
            while not release.is_set():
                time.sleep(0.02)
            conn.execute("ROLLBACK")
            conn.close()

        await asyncio.to_thread(hold)
        return
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE")
            held.set()
            await release.wait()
    finally:
        await conn.close()


async def test_locked_database_gives_503_with_retry_after_and_the_retry_succeeds(notes_service):
    backend, url, service = notes_service
    headers = {"Idempotency-Key": "note-1"}
    release, held = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_lock(backend, url, release, held))
    async with asyncio.timeout(30):
        await held.wait()
    try:
        locked = await service.client.post("/v1/notes", json={"text": "a"}, headers=headers)
    finally:
        release.set()
        await holder
    assert locked.status_code == 503, locked.text
    assert locked.headers["retry-after"] == "1"
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.json()["type"] == "urn:nic:problem:service-unavailable"

    retried = await service.client.post("/v1/notes", json={"text": "a"}, headers=headers)
    again = await service.client.post("/v1/notes", json={"text": "a"}, headers=headers)
    assert retried.status_code == 201
    assert again.json() == retried.json()
    other_body = await service.client.post("/v1/notes", json={"text": "b"}, headers=headers)
    assert other_body.status_code == 409
    assert other_body.json()["type"] == "urn:nic:problem:idempotency-key-reused"
