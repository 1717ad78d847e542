"""The live event stream (SSE) and the `events tail` CLI, against the real broker."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select

from nic_operations import api
from nic_operations.main import MIGRATIONS, create_app
from nic_operations.models import Base, stream_tickets_used
from nic_operations.stream import Position, _release
from nic_shared.db import Database
from nic_shared.events import TOPICS
from tests.operations.sse import sse
from tests.operations.stand_ins import PIPELINE, SUBMITTED, platform
from tests.support.environment import platform_environ
from tests.support.processes import ROOT
from tests.support.services import auth, serve, service_settings


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


async def _open(client: httpx.AsyncClient, ticket: str) -> tuple[int, dict[str, Any] | None]:
    """Open the stream with a ticket; the status, and the problem when it was refused."""
    params = {"ticket": ticket, "since": "now"}
    async with client.stream("GET", "/v1/stream", params=params) as response:
        if response.status_code == 200:
            return 200, None
        return response.status_code, json.loads(await response.aread())


def _already_used(answer: tuple[int, dict[str, Any] | None]) -> bool:
    status, problem = answer
    return (
        status == 401
        and problem is not None
        and problem["type"].endswith(":unauthorized")
        and "already used" in problem["detail"]
    )


async def test_a_stream_ticket_opens_one_connection_on_any_instance(
    broker, new_database, topic_prefix
):
    secret = "shared-ticket-secret-" + "x" * 20
    async with platform(
        broker.bootstrap, new_database, topic_prefix, stream_ticket_secret=secret
    ) as p:
        one = p.operations.client
        async with serve(create_app(p.operations.app.state.settings)) as second:
            two = second.client

            async def ticket() -> str:
                made = await one.post("/v1/stream/tickets", headers=auth("operations"))
                assert made.status_code == 201
                return str(made.json()["ticket"])

            first = await ticket()
            async with sse(one, {"ticket": first, "since": "now"}) as reader:
                assert reader.status == 200
                assert _already_used(await _open(one, first))  # not while it is open either
            assert _already_used(await _open(one, first))
            assert _already_used(await _open(two, first))  # nor on the other instance

            elsewhere = await ticket()
            assert await _open(two, elsewhere) == (200, None)
            assert _already_used(await _open(one, elsewhere))

            # the same ticket on both instances at once: exactly one opens
            for _ in range(3):
                raced = await ticket()
                answers = await asyncio.gather(_open(one, raced), _open(two, raced))
                assert sorted(status for status, _ in answers) == [200, 401]
                assert any(_already_used(a) for a in answers)

            # a ticket of the old form (no id), though signed right, is no ticket at all
            old = [uuid.uuid4().hex, int(time.time()) + 60, False]
            payload = base64.urlsafe_b64encode(json.dumps(old).encode()).decode()
            forged = f"{payload}.{api._ticket_sign(secret.encode(), payload)}"
            status, problem = await _open(one, forged)
            assert status == 401
            assert problem is not None
            assert "already used" not in problem["detail"]


async def test_a_used_ticket_is_claimed_in_the_database_and_expired_claims_are_pruned(
    new_database,
):
    db = Database(await new_database("operations", MIGRATIONS))
    try:
        expires = datetime.now(UTC) + timedelta(seconds=60)
        assert await api.claim_ticket(db, "ticket-a", expires)
        assert not await api.claim_ticket(db, "ticket-a", expires)
        racing = await asyncio.gather(
            *(api.claim_ticket(db, "ticket-b", expires) for _ in range(4))
        )
        assert sorted(racing) == [False, False, False, True]

        long_ago = datetime.now(UTC) - timedelta(seconds=api.TICKET_PRUNE_GRACE_S + 60)
        just_now = datetime.now(UTC) - timedelta(seconds=5)
        async with db.transaction() as session:
            await session.execute(
                insert(stream_tickets_used),
                [
                    {"ticket_id": "long-expired", "expires_at": long_ago},
                    {"ticket_id": "just-expired", "expires_at": just_now},
                ],
            )
        assert await api.claim_ticket(db, "ticket-c", expires)
        async with db.transaction() as session:
            kept = (await session.scalars(select(stream_tickets_used.c.ticket_id))).all()
        # a ticket just expired keeps its row a while: an instance whose clock is behind
        # would still take it for an unexpired ticket
        assert sorted(kept) == ["just-expired", "ticket-a", "ticket-b", "ticket-c"]
    finally:
        await db.dispose()


async def test_the_operations_migrations_match_the_models(new_database):
    db = Database(await new_database("operations", MIGRATIONS))
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await db.dispose()
    assert diff == []


async def test_events_tail_prints_submitted_events_from_a_time(broker, new_database, topic_prefix):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": call}
        )
        env = platform_environ()
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
    held = [(0.0, 100, scored), (0.03, 50, assessed), (0.2, 400, later)]
    assert _release(held, 0.1, 0.2) == ([], held)  # nothing has waited the window yet
    due, rest = _release(held, 0.21, 0.2)
    assert [r.name for r in due] == ["assessed", "scored"]
    assert rest == [(0.2, 400, later)]


def test_a_partition_leaves_in_offset_order_even_when_a_clock_went_back():
    @dataclass
    class Record:
        name: str
        timestamp: int

    # one partition: offset 7 stamped 100, offset 8 stamped 90 by a producer whose clock is
    # behind; held with the partition's highest stamp so far (100), it cannot overtake 7
    first, behind, other = Record("p0@7", 100), Record("p0@8", 90), Record("p1@3", 95)
    held = [(0.0, 100, first), (0.0, 100, behind), (0.0, 95, other)]
    due, rest = _release(held, 0.3, 0.2)
    assert [r.name for r in due] == ["p1@3", "p0@7", "p0@8"]
    assert rest == []


def test_a_position_is_a_short_id_and_back():
    position = Position(
        cutoff_ms=1_795_000_000_123,
        offsets={
            ("nic.intake", 0): 0,
            ("nic.intake", 1): 1_234_567,
            ("nic.scoring", 2): 35,
            ("nic.intake.dlq", 0): 4,
        },
    )
    text = position.encode()
    assert text.startswith("1~")
    assert set(text).isdisjoint("\r\n ")
    assert Position.decode(text) == position
    six = Position(
        cutoff_ms=1_795_000_000_123,
        offsets={(t, p): 10_000_000 for t in TOPICS for p in range(6)},
    )
    assert len(six.encode()) < 250  # four topics of six partitions, ten-million offsets


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "not an id"),
        ("nic.intake:0:5", "not an id"),
        ("2~abc~nic.intake:1", "not an id"),
        ("1~", "not an id"),
        ("1~-5", "base-36"),
        ("1~1_0", "base-36"),
        ("1~abc~nic.nowhere:1", "unknown topic"),
        ("1~abc~nic.intake", "<topic>:<offsets>"),
        ("1~abc~nic.intake:1,+2", "base-36"),
        ("1~abc~nic.intake:" + "1," * 3000, "longer than"),
    ],
)
def test_a_malformed_id_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        Position.decode(text)
