"""The event contract: docs/asyncapi.json must be what the catalogue generates.

When this fails after a payload change, regenerate and review the diff:
    .venv/bin/python -m nic_shared.asyncapi --write docs/asyncapi.json
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import httpx
from pydantic import create_model

from nic_operations.main import create_app
from nic_shared import asyncapi
from nic_shared.events import CATALOGUE, TOPICS, EventPayload
from nic_shared.events.intake import ApplicationWithdrawn

ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN = ROOT / "docs" / "asyncapi.json"
REGENERATE = ".venv/bin/python -m nic_shared.asyncapi --write docs/asyncapi.json"


def test_the_checked_in_document_is_what_the_catalogue_generates():
    assert json.loads(CHECKED_IN.read_text()) == asyncapi.document(), (
        f"docs/asyncapi.json disagrees with the event catalogue; run `{REGENERATE}`"
    )


def test_a_renamed_payload_field_makes_the_document_disagree():
    renamed = create_model(
        "ApplicationWithdrawn",
        __base__=EventPayload,
        application_ref=(UUID, ...),  # was application_id
        call_id=(UUID, ...),
        reason=(str, ...),
        withdrawn_at=(str, ...),
    )
    renamed.TOPIC = ApplicationWithdrawn.TOPIC
    catalogue = dict(CATALOGUE) | {ApplicationWithdrawn.TYPE: renamed}
    changed = asyncapi.document(catalogue)
    assert changed != json.loads(CHECKED_IN.read_text())
    schema = changed["components"]["schemas"]["ApplicationWithdrawn"]
    assert "application_ref" in schema["properties"]
    assert "application_id" not in schema["properties"]


def test_every_event_type_is_a_message_on_its_topic_with_a_resolvable_schema():
    doc = asyncapi.document()
    assert doc["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(TOPICS) | {f"{t}.dlq" for t in TOPICS}
    for event_type, model in CATALOGUE.items():
        message_id = event_type.removeprefix("no.nic.")
        message = doc["components"]["messages"][message_id]
        assert message["payload"]["properties"]["type"] == {"const": event_type}
        ref = message["payload"]["properties"]["data"]["$ref"]
        assert ref == f"#/components/schemas/{model.__name__}"
        schema = doc["components"]["schemas"][model.__name__]
        assert set(schema["properties"]) == set(model.model_fields)
        channel = next(c for c in doc["channels"].values() if c["address"] == model.TOPIC)
        assert message_id in channel["messages"]
    text = json.dumps(doc)
    assert "#/$defs/" not in text  # every reference points into components


async def test_services_serve_the_document():
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ops") as client:
        response = await client.get("/asyncapi.json")
    assert response.status_code == 200
    assert response.json() == asyncapi.document()
