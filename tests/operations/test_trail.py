"""Where is application X, and the per-call pipeline counts."""

from __future__ import annotations

import uuid
from typing import Any

from tests.operations.stand_ins import platform
from tests.operations.waiting import eventually
from tests.support.services import auth

OPS = auth("operations")


async def test_trail_shows_every_step_of_a_recommended_application_and_where_others_stopped(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = str(uuid.uuid4())
        done, held, poisoned = (str(uuid.uuid4()) for _ in range(3))
        p.behaviour.hold.add(held)
        p.behaviour.poison.add(poisoned)
        intake = p.services["intake"].client
        request_ids = {}
        for application in (done, held, poisoned):
            r = await intake.post("/submit", json={"application_id": application, "call_id": call})
            request_ids[application] = r.headers["x-request-id"]
        ops = p.operations.client

        async def trail(application: str, state: str, stuck_at: str | None = None) -> Any:
            body = (await ops.get(f"/v1/applications/{application}/trail", headers=OPS)).json()
            return body if (body["state"], body["stuck_at"]) == (state, stuck_at) else None

        full = await eventually(lambda: trail(done, "recommended"))
        assert [s["name"] for s in full["steps"]] == [
            "submitted",
            "assessed",
            "scored",
            "recommended",
        ]
        assert [s["status"] for s in full["steps"]] == ["done"] * 4
        assert [s["service"] for s in full["steps"]] == [
            "intake",
            "eligibility",
            "scoring",
            "scoring",
        ]
        times = [s["at"] for s in full["steps"]]
        assert times == sorted(times)
        assert all(s["event_id"] for s in full["steps"])
        assert {s["trace_id"] for s in full["steps"]} == {request_ids[done]}
        assert full["call_id"] == call
        assert full["stuck_at"] is None
        assert full["services"] == dict.fromkeys(
            ["intake", "eligibility", "scoring", "registry"], "ok"
        )
        consumers = {c["service"] for c in full["steps"][0]["consumed_by"]}
        assert "eligibility" in consumers

        async def held_by_the_panel() -> Any:
            # In progress from submission on; held at "scored" once assessed, and waiting on
            # the panel once scoring has consumed the assessment.
            body = await trail(held, "in_progress", "scored")
            return body if body and "panel has not scored" in body["steps"][2]["detail"] else None

        waiting = await eventually(held_by_the_panel)
        assert [s["status"] for s in waiting["steps"]] == ["done", "done", "waiting", "not_reached"]
        assert "the panel has not scored yet" in waiting["steps"][2]["detail"]

        stuck = await eventually(lambda: trail(poisoned, "stuck", "assessed"))
        assert stuck["steps"][1]["status"] == "stuck"
        assert stuck["steps"][1]["dead_letters"][0]["service"] == "eligibility"
        assert "no rule set" in stuck["steps"][1]["detail"]

        unknown = (await ops.get(f"/v1/applications/{uuid.uuid4()}/trail", headers=OPS)).json()
        assert unknown["state"] == "not_found"

        async def counts():
            rows = (await ops.get("/v1/pipeline/calls", headers=OPS)).json()
            row = next((r for r in rows if r["call_id"] == call), None)
            settled = row and (row["submitted"], row["assessed"], row["recommended"]) == (3, 2, 1)
            return row if settled else None

        row = await eventually(counts)
        assert (row["submitted"], row["assessed"], row["eligible"]) == (3, 2, 2)
        assert (row["scored"], row["recommended"]) == (1, 1)

        statuses = (await ops.get("/v1/services/status", headers=OPS)).json()
        assert [s["service"] for s in statuses] == [
            "intake",
            "eligibility",
            "scoring",
            "registry",
            "operations",  # its own consumer's, read directly
        ]
        assert all(s["reachable"] == "ok" for s in statuses)
        by_name = {s["service"]: s["status"] for s in statuses}
        assert by_name["eligibility"]["dead_letters"] == 1
        assert by_name["intake"]["consumer_connected"] is None
        letters = (await ops.get("/v1/services/dead-letters", headers=OPS)).json()
        assert [len(s["items"]) for s in letters] == [0, 1, 0, 0, 0]
