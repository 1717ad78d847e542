"""Resuming the live stream after a lost connection (Last-Event-ID), against the real broker
over real HTTP: what was missed arrives, in order, and nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

from tests.operations.sse import SseReader, sse
from tests.operations.stand_ins import PIPELINE, Platform, platform
from tests.operations.waiting import eventually
from tests.support.services import auth

OPS = auth("operations")


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in events]


async def through_the_pipeline(p: Platform, call: str, witness: SseReader) -> list[dict[str, Any]]:
    """Submit one application and wait until its four events are on the broker."""
    application = str(uuid.uuid4())
    response = await p.services["intake"].client.post(
        "/submit", json={"application_id": application, "call_id": call}
    )
    assert response.status_code == 202
    events = await witness.take(4)
    assert [(e["type"], e["subject"]) for e in events] == [(t, application) for t in PIPELINE]
    return events


async def test_a_viewer_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        call = str(uuid.uuid4())
        mine = {"call": call}
        submitted_only = {"call": call, "type": "application.submitted"}
        # the witness stays connected throughout and sees everything
        async with sse(ops, mine, OPS) as witness:
            async with (
                sse(ops, mine, OPS) as first,
                sse(ops, submitted_only, OPS) as typed,
                sse(ops, mine, OPS) as idle,
            ):
                assert first.retry_ms == 3000
                assert first.ready_id is not None
                assert first.ready_id.startswith("1~")
                a = await through_the_pipeline(p, call, witness)
                got = await first.take(4)
                assert ids(got) == ids(a)
                after_a = first.id_of[a[-1]["id"]]
                assert len(after_a) < 200
                assert ids(await typed.take(1)) == ids(a[:1])
                # the three events the type filter passed over move its position on too: a
                # keep-alive carries the newer id
                passed_over = typed.id_of[a[0]["id"]]
                await eventually(_changed(typed, passed_over), timeout_s=15)
                typed_id = typed.last_id
                idle_id = idle.ready_id  # where it stood before any event
            # all three disconnected: two applications go through while nobody watches
            missed = await through_the_pipeline(p, call, witness)
            missed += await through_the_pipeline(p, call, witness)

        resumed_headers = OPS | {"Last-Event-ID": after_a}
        async with sse(ops, mine, resumed_headers) as resumed:
            assert resumed.ready_id is not None
            got = await resumed.take(8)
            assert [e["type"] for e in got] == PIPELINE * 2
            assert ids(got) == ids(missed)
            assert await _no_more(resumed, 3.0)  # none repeated, none left over
            # the id of the last of them resumes after it: nothing more to see
            last_id = resumed.id_of[got[-1]["id"]]

        async with sse(ops, mine, OPS | {"Last-Event-ID": last_id}) as caught_up:
            assert await _no_more(caught_up, 2.0)

        # the query parameter, for clients that cannot set a header
        async with sse(ops, mine | {"last_event_id": after_a}, OPS) as by_query:
            assert ids(await by_query.take(8)) == ids(missed)
            assert await _no_more(by_query, 1.0)

        # the keep-alive's id: the two submissions, not the first again
        async with sse(ops, submitted_only, OPS | {"Last-Event-ID": typed_id}) as typed_again:
            assert ids(await typed_again.take(2)) == [missed[0]["id"], missed[4]["id"]]
            assert await _no_more(typed_again, 1.0)

        # the ready event's id: a viewer cut off before its first event misses nothing either
        async with sse(ops, mine, OPS | {"Last-Event-ID": idle_id}) as from_ready:
            assert ids(await from_ready.take(12)) == ids(a + missed)
            assert await _no_more(from_ready, 1.0)


def _changed(reader: SseReader, old: str) -> Any:
    async def probe() -> bool:
        return reader.last_id is not None and reader.last_id != old

    return probe


async def _no_more(reader: SseReader, wait_s: float) -> bool:
    extra = await reader.take(1, timeout_s=wait_s)
    assert extra == [], f"unexpected event {extra}"
    return True


async def test_a_malformed_last_event_id_is_a_problem_that_names_it(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        answer = await ops.get("/v1/stream", headers=OPS | {"Last-Event-ID": "nic.intake:0:17"})
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"] == "urn:nic:problem:validation-error"
        assert problem["errors"] == [
            {
                "parameter": "Last-Event-ID",
                "in": "header",
                "rule": "resume-id",
                "detail": "not an id this stream gave out (expected 1~...)",
            }
        ]
        answer = await ops.get(
            "/v1/stream", params={"last_event_id": "1~lz~nic.nowhere:3"}, headers=OPS
        )
        assert answer.status_code == 422
        [error] = answer.json()["errors"]
        assert (error["parameter"], error["in"]) == ("last_event_id", "query")
        assert "unknown topic" in error["detail"]
        # the same for since, which names its parameter too
        answer = await ops.get("/v1/stream", params={"since": "yesterday"}, headers=OPS)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["parameter"] == "since"
        # and the stream goes on serving
        async with sse(ops, {}, OPS) as reader:
            assert reader.status == 200
            assert reader.ready_id is not None
        async with sse(ops, {}, OPS | {"Last-Event-ID": "1~x~nic.intake:5,?"}) as reader:
            assert reader.status == 422
            assert reader.problem is not None
            assert reader.problem["errors"][0]["parameter"] == "Last-Event-ID"
