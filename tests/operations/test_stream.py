"""The live event stream (SSE) and the `events tail` CLI, against the real broker."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nic_operations.stream import _release
from tests.operations.sse import sse
from tests.operations.stand_ins import platform
from tests.support.processes import ROOT
from tests.support.services import auth, service_settings

SUBMITTED = "no.nic.application.submitted.v1"
PIPELINE = [
    SUBMITTED,
    "no.nic.eligibility.assessed.v1",
    "no.nic.panel.scored.v1",
    "no.nic.funding.recommended.v1",
]


async def test_an_applications_events_arrive_in_order_and_another_subjects_stream_shows_none(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        headers = auth("operations")
        async with (
            sse(ops, {"subject": application}, headers) as mine,
            sse(ops, {"subject": str(uuid.uuid4())}, headers) as other,
            sse(ops, {"type": "application.submitted", "call": call}, headers) as by_type,
        ):
            response = await p.services["intake"].client.post(
                "/submit", json={"application_id": application, "call_id": call}
            )
            assert response.status_code == 202
            events = await mine.take(4)
            assert [e["type"] for e in events] == PIPELINE
            assert {e["subject"] for e in events} == {application}
            assert events[0]["id"] == response.json()["event_id"]
            assert events[0]["call_id"] == call
            # one trace id, from the HTTP request through every hop
            traces = {e["traceparent"].split("-")[1] for e in events}
            assert traces == {response.headers["x-request-id"]}
            assert [e["type"] for e in await by_type.take(2, timeout_s=3)] == [SUBMITTED]
            assert await other.take(1, timeout_s=2) == []


async def test_the_stream_needs_an_operator_or_a_ticket(broker, new_database, topic_prefix):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        assert (await ops.get("/v1/stream")).status_code == 401
        applicant = auth("applicant", org="974760673")
        assert (await ops.get("/v1/stream", headers=applicant)).status_code == 403
        assert (await ops.get("/v1/stream", params={"ticket": "forged.x"})).status_code == 401
        made = await ops.post("/v1/stream/tickets", headers=auth("operations"))
        assert made.status_code == 201
        async with sse(ops, {"ticket": made.json()["ticket"], "since": "now"}) as reader:
            assert reader.status == 200
        bad = await ops.get("/v1/stream", params={"since": "yesterday"}, headers=auth("operations"))
        assert bad.status_code == 422


async def test_events_tail_prints_submitted_events_from_a_time(broker, new_database, topic_prefix):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": call}
        )
        env = dict(os.environ)
        for key, value in service_settings(broker.bootstrap, "sqlite://", topic_prefix).items():
            env[f"NIC_OPERATIONS_{key.upper()}"] = str(value)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nic_operations",
            "events",
            "tail",
            "--type",
            "application.submitted",
            "--subject",
            application,
            "--since",
            since,
            "--limit",
            "1",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, err.decode()
        line = out.decode().strip()
        assert SUBMITTED in line
        assert f"subject={application}" in line
        assert "trace=" in line


def test_the_reorder_window_releases_events_in_the_order_they_happened():
    @dataclass
    class Record:
        name: str
        timestamp: int

    scored, assessed, later = Record("scored", 100), Record("assessed", 50), Record("x", 400)
    # scored arrived first, assessed 30 ms after it; later arrived last
    held = [(0.0, scored), (0.03, assessed), (0.2, later)]
    assert _release(held, 0.1, 0.2) == ([], held)  # nothing has waited the window yet
    due, rest = _release(held, 0.21, 0.2)
    assert [r.name for r in due] == ["assessed", "scored"]
    assert rest == [(0.2, later)]
