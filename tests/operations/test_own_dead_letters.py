"""Operations' own consumer dead-letters too: its dead letters and status are listed with the
services' under the name `operations`, and replayed like theirs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from tests.operations.stand_ins import platform
from tests.support.services import auth

OPS = auth("operations", subject="oncall-kari")


async def test_operations_lists_and_replays_its_own_dead_letters_with_the_services(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        app = p.operations.app
        dead = app.state.tables.dead_letters
        async with app.state.db.transaction() as session:
            await session.execute(
                insert(dead).values(
                    event_id=str(uuid.uuid4()),
                    event_type=None,
                    consumer_group=app.state.settings.consumer_group,
                    origin_topic=app.state.settings.topic("nic.intake"),
                    origin_partition=0,
                    origin_offset=7,
                    key="k",
                    payload="not json",
                    error_type="Poison",
                    error="not a CloudEvent",
                    attempts=1,
                    dead_lettered_at=datetime.now(UTC),
                )
            )
        ops = p.operations.client
        listed = (await ops.get("/v1/services/dead-letters", headers=OPS)).json()
        by_service: dict[str, Any] = {s["service"]: s for s in listed}
        assert set(by_service) == {"intake", "eligibility", "scoring", "registry", "operations"}
        [own] = by_service["operations"]["items"]
        assert own["error"] == "not a CloudEvent"
        assert own["origin_offset"] == 7

        statuses = {
            s["service"]: s for s in (await ops.get("/v1/services/status", headers=OPS)).json()
        }
        assert statuses["operations"]["reachable"] == "ok"
        assert statuses["operations"]["status"]["dead_letters"] >= 1

        replayed = await ops.post(
            f"/v1/services/operations/dead-letters/{own['id']}/replay", headers=OPS
        )
        assert replayed.status_code == 202, replayed.text
        assert replayed.json() == {"replayed": [own["id"]], "skipped": []}
        async with app.state.db.transaction() as session:
            count = await session.scalar(select(dead.c.replay_count).where(dead.c.id == own["id"]))
        assert count == 1
        too_big = await ops.post(
            f"/v1/services/operations/dead-letters/{2**63}/replay", headers=OPS
        )
        assert too_big.status_code == 422
