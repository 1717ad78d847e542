"""End to end through the real broker: an application submitted over HTTP appears on the
intake topic as ApplicationSubmitted with its full content and its receipt hash."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer

from nic_intake.domain.receipt import content_sha256
from nic_intake.main import MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_shared.events import CloudEvent
from nic_shared.events.intake import ApplicationContent, ApplicationSubmitted
from tests.intake.builders import circular_content, complete_circular, open_call, submit
from tests.support.services import serve, service_settings


async def submitted_events(bootstrap: str, topic: str, wanted: int) -> list[CloudEvent]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    found: list[CloudEvent] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < wanted:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        event = CloudEvent.from_bytes(record.value)
                        if event.type == ApplicationSubmitted.TYPE:
                            found.append(event)
    finally:
        await consumer.stop()
    return found


async def test_submitted_application_reaches_the_topic(
    broker, new_database, tmp_path, topic_prefix
):
    url = await new_database("intake", MIGRATIONS)
    settings: dict[str, Any] = service_settings(broker.bootstrap, url, topic_prefix)
    settings["data_dir"] = str(tmp_path / "data")
    app = intake_app(IntakeSettings(**settings))
    async with serve(app) as intake:
        call = await open_call(
            intake.client, deadline_local="2099-12-01T16:00:00", opens_local="2020-01-01T00:00:00"
        )
        app_id = await complete_circular(intake.client, call["id"])
        response = await submit(intake.client, app_id)
        assert response.status_code == 201, response.text
        receipt = response.json()
        [event] = await submitted_events(broker.bootstrap, f"{topic_prefix}nic.intake", 1)

    payload = ApplicationSubmitted.model_validate(event.data)
    assert event.subject == app_id
    assert str(payload.application_id) == app_id
    assert payload.version == 1
    assert payload.content_sha256 == receipt["content_sha256"]
    assert content_sha256(payload.content) == receipt["content_sha256"]
    expected = ApplicationContent.model_validate(
        {**circular_content(), "attachments": [a.model_dump() for a in payload.content.attachments]}
    )
    assert payload.content == expected
    assert len(payload.content.attachments) == 1
