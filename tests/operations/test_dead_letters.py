"""Dead letters: listed with their error, inspected, replayed (audited) exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.db import new_metadata
from nic_shared.messaging_tables import define_messaging_tables
from tests.operations.stand_ins import StandInSettings, platform
from tests.operations.waiting import eventually
from tests.support.services import auth, serve, service_settings

OPS = auth("operations", subject="oncall-kari")
SUBMITTED = "no.nic.application.submitted.v1"
ASSESSED = "no.nic.eligibility.assessed.v1"


async def test_poison_event_is_listed_with_its_error_and_replay_applies_it_exactly_once(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        eligibility = p.services["eligibility"].client
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        p.behaviour.poison.add(application)
        submit = await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": call}
        )
        event_id = submit.json()["event_id"]

        async def listed():
            page = (await eligibility.get("/v1/ops/dead-letters", headers=OPS)).json()
            return page["items"]

        [item] = await eventually(listed)
        assert item["event_id"] == event_id
        assert item["event_type"] == SUBMITTED
        assert item["error"] == "Poison: no rule set for this call"
        assert item["origin_topic"] == f"{topic_prefix}nic.intake"
        assert item["key"] == application
        assert (item["attempts"], item["replay_count"], item["applied"]) == (1, 0, False)
        by_type = await eligibility.get(
            "/v1/ops/dead-letters", params={"type": "application.submitted"}, headers=OPS
        )
        assert [i["id"] for i in by_type.json()["items"]] == [item["id"]]
        other_type = await eligibility.get(
            "/v1/ops/dead-letters", params={"type": "call.published"}, headers=OPS
        )
        assert other_type.json()["items"] == []

        detail = (await eligibility.get(f"/v1/ops/dead-letters/{item['id']}", headers=OPS)).json()
        assert detail["payload"]["id"] == event_id
        assert detail["payload"]["data"]["application_id"] == application
        assert detail["origin_offset"] >= 0
        assert detail["replays"] == []
        trail = (
            await p.operations.client.get(f"/v1/applications/{application}/trail", headers=OPS)
        ).json()
        assert (trail["state"], trail["stuck_at"]) == ("stuck", "assessed")
        assessed = trail["steps"][1]
        assert assessed["status"] == "stuck"
        assert "dead-lettered application.submitted: Poison" in assessed["detail"]

        # not for applicants, and nothing replayed by a refused call
        applicant = auth("applicant", org="974760673")
        refused = await eligibility.post(
            f"/v1/ops/dead-letters/{item['id']}/replay", headers=applicant
        )
        assert refused.status_code == 403

        p.behaviour.poison.clear()  # the handler is fixed
        replay = await eligibility.post(f"/v1/ops/dead-letters/{item['id']}/replay", headers=OPS)
        assert replay.status_code == 202, replay.text

        async def assessments() -> Any:
            trail = (
                await eligibility.get(
                    "/v1/ops/events", params={"subject": application}, headers=OPS
                )
            ).json()
            return [e for e in trail["published"] if e["type"] == ASSESSED]

        assert len(await eventually(assessments)) == 1

        # a second replay of an event that took effect has no second effect (the inbox)
        metrics = p.services["eligibility"].app.state.metrics
        bulk = await eligibility.post(
            "/v1/ops/dead-letters/replay", json={"ids": [item["id"]]}, headers=OPS
        )
        assert bulk.json() == {"replayed": [item["id"]], "skipped": []}

        async def duplicate_seen():
            samples = metrics.events_consumed.collect()[0].samples
            return any(
                s.labels.get("outcome") == "duplicate" and s.value >= 1
                for s in samples
                if s.name.endswith("_total")
            )

        await eventually(duplicate_seen)
        assert len(await assessments()) == 1
        assert p.behaviour.handled.count(event_id) == 2  # the poisoned try and the replay

        detail = (await eligibility.get(f"/v1/ops/dead-letters/{item['id']}", headers=OPS)).json()
        assert (detail["replay_count"], detail["applied"]) == (2, True)
        assert [(r["action"], r["actor"]) for r in detail["replays"]] == [
            ("dead_letter.replayed", "oncall-kari")
        ] * 2
        # by filter, applied ones are skipped
        by_filter = await eligibility.post(
            "/v1/ops/dead-letters/replay",
            json={"type": "application.submitted", "include_replayed": True},
            headers=OPS,
        )
        assert by_filter.json() == {"replayed": [], "skipped": [item["id"]]}
        status = (await eligibility.get("/v1/ops/status", headers=OPS)).json()
        assert (status["dead_letters"], status["dead_letters_unreplayed"]) == (1, 0)
        assert status["consumer_group"] == f"{topic_prefix}nic-eligibility"
        text = (await eligibility.get("/metrics")).text
        assert f'nic_dead_letter_replays_total{{type="{SUBMITTED}"}} 2.0' in text


async def test_without_the_audit_table_replay_refuses_before_sending(
    broker, new_database, topic_prefix
):
    url = await new_database("unmigrated", None)
    metadata = new_metadata()
    tables = define_messaging_tables(metadata)
    engine = create_async_engine(url)
    async with engine.begin() as conn:  # the service has not run create_ops_tables
        unmigrated = [t for t in metadata.sorted_tables if t.name != "ops_audit"]
        await conn.run_sync(metadata.create_all, tables=unmigrated)
        await conn.execute(
            tables.dead_letters.insert().values(
                event_id="e1",
                event_type=SUBMITTED,
                consumer_group="g",
                origin_topic=f"{topic_prefix}nic.intake",
                origin_partition=0,
                origin_offset=0,
                key="k",
                payload="{}",
                error_type="Poison",
                error="Poison: x",
                attempts=1,
                dead_lettered_at=datetime.now(UTC),
            )
        )
    await engine.dispose()
    settings = StandInSettings(
        service_name="unmigrated", **service_settings(broker.bootstrap, url, topic_prefix)
    )
    app = create_service_app(
        ServiceSpec(settings=settings, title="t", description="t", tables=tables, routers=[])
    )
    async with serve(app) as service:
        detail = await service.client.get("/v1/ops/dead-letters/1", headers=OPS)
        assert detail.status_code == 200
        assert detail.json()["replays"] == []
        refused = await service.client.post("/v1/ops/dead-letters/1/replay", headers=OPS)
        assert refused.status_code == 503
        assert "ops_audit" in refused.json()["detail"]
        read = await service.client.get("/v1/ops/dead-letters/1", headers=OPS)
        assert read.json()["replay_count"] == 0
