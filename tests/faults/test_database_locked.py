"""Intake's submit on a locked database (another client holds the write lock past the
timeouts): 503 with Retry-After as problem+json, never 500; a retry with the same
Idempotency-Key then succeeds, once. A database that is only slow (the lock is released
within the timeout) just answers late. Both databases."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from tests.intake.builders import CLUSTER_A, OWNER, applicant, inno_content, open_call
from tests.platform.test_database_unavailable import _hold_lock as hold_notes_lock
from tests.support.services import serve, service_settings

APPLICANT = applicant(OWNER)


@pytest.fixture
async def intake(backend, broker, new_database, topic_prefix, tmp_path):
    url = await new_database("intake", MIGRATIONS)
    values = service_settings(broker.bootstrap, url, topic_prefix) | {
        "sqlite_busy_timeout_ms": 300,
        "db_lock_timeout_ms": 300,
        "data_dir": str(tmp_path / "intake"),
    }
    async with serve(create_app(IntakeSettings(**values))) as service:
        yield backend, url, service


async def _hold(backend: str, url: str, release: asyncio.Event, held: asyncio.Event) -> None:
    """Hold the write lock (SQLite) or an exclusive lock on `applications` (PostgreSQL);
    `held` is set once it is."""
    if backend == "sqlite":
        await hold_notes_lock(backend, url, release, held)
        return
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("LOCK TABLE applications IN ACCESS EXCLUSIVE MODE"))
            held.set()
            await release.wait()
    finally:
        await engine.dispose()


async def _draft(client) -> str:
    call = await open_call(client, scheme="innovasjonsrammen", deadline_local="2099-12-01T16:00:00")
    created = await client.post(
        "/v1/applications",
        json={"call_id": call["id"], "content": inno_content(CLUSTER_A)},
        headers=APPLICANT,
    )
    assert created.status_code == 201, created.text
    app_id = str(created.json()["id"])
    upload = await client.post(
        f"/v1/applications/{app_id}/attachments",
        params={"kind": "project_description", "filename": "prosjekt.pdf"},
        content=b"%PDF-1.4\n% project description\n",
        headers={**APPLICANT, "Content-Type": "application/pdf"},
    )
    assert upload.status_code == 201, upload.text
    return app_id


async def _submit(client, app_id: str):
    return await client.post(
        f"/v1/applications/{app_id}/submit",
        json={"confirm": True},
        headers={**APPLICANT, "Idempotency-Key": f"submit-{app_id}"},
    )


async def test_submit_on_a_locked_database_is_503_and_the_same_key_then_succeeds_once(intake):
    backend, url, service = intake
    app_id = await _draft(service.client)
    release, held = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold(backend, url, release, held))
    async with asyncio.timeout(30):
        await held.wait()
    try:
        locked = await _submit(service.client, app_id)
    finally:
        release.set()
        await holder
    assert locked.status_code == 503, locked.text
    assert locked.headers["retry-after"] == "1"
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.json()["type"] == "urn:nic:problem:service-unavailable"

    retried = await _submit(service.client, app_id)
    again = await _submit(service.client, app_id)
    assert retried.status_code == 201, retried.text
    assert again.status_code == 201
    assert again.json() == retried.json()
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            versions = (
                await conn.execute(text("SELECT COUNT(*) FROM application_versions"))
            ).scalar_one()
            events = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t"),
                    {"t": "no.nic.application.submitted.v1"},
                )
            ).all()
    finally:
        await engine.dispose()
    assert versions == 1, "one stored version"
    assert len(events) == 1
    assert json.loads(events[0][0])["data"]["version"] == 1


async def test_submit_on_a_slow_database_waits_and_succeeds(intake):
    backend, url, service = intake
    app_id = await _draft(service.client)
    release, held = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold(backend, url, release, held))
    async with asyncio.timeout(30):
        await held.wait()
    submit = asyncio.create_task(_submit(service.client, app_id))
    await asyncio.sleep(0.1)  # held for less than the 300 ms lock timeout
    release.set()
    await holder
    response = await submit
    assert response.status_code == 201, response.text
