"""Bulk replay refuses what it cannot look up with a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.db import new_metadata
from nic_shared.messaging_tables import define_messaging_tables
from tests.operations.stand_ins import StandInSettings
from tests.support.services import auth, serve, service_settings

OPS = auth("operations", subject="oncall-kari")


@pytest.mark.parametrize(
    "body",
    [
        {"ids": [2**63]},
        {"ids": [0]},
        {"ids": [-1]},
        {"ids": []},
        {"type": ""},
        {"type": "x" * 10_000},
    ],
)
async def test_bulk_replay_of_ids_or_types_no_dead_letter_can_have_is_a_422(
    body, broker, new_database, topic_prefix
):
    url = await new_database("replay", None)
    metadata = new_metadata()
    tables = define_messaging_tables(metadata)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    settings = StandInSettings(
        service_name="replay", **service_settings(broker.bootstrap, url, topic_prefix)
    )
    app = create_service_app(
        ServiceSpec(settings=settings, title="t", description="t", tables=tables, routers=[])
    )
    async with serve(app) as service:
        answer = await service.client.post("/v1/ops/dead-letters/replay", json=body, headers=OPS)
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        field = next(iter(body))
        assert any(field in str(e.get("pointer", "")) for e in problem.get("errors", [])), problem
