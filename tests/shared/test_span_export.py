"""Span export over OTLP/HTTP, against a real receiver: the ids a collector gets are the ones
our trace context uses, and with no collector named the OpenTelemetry SDK is never loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from nic_shared import tracing
from nic_shared.events import new_event
from nic_shared.otel import OtlpSpans, traces_url
from tests.shared import harness
from tests.shared.harness import Handled
from tests.shared.otlp_receiver import otlp_receiver
from tests.support.ports import free_port
from tests.support.processes import ROOT
from tests.support.services import service_settings


def test_exported_spans_carry_our_ids_and_parents_and_honour_the_sampled_flag():
    with otlp_receiver() as receiver:
        spans = OtlpSpans("harness", receiver.url + "/")
        caller = tracing.new_trace()
        request = tracing.continue_from(caller.traceparent)
        fresh = tracing.new_trace()
        unsampled = tracing.continue_from(f"00-{'a' * 32}-{'b' * 16}-00")
        started = time.perf_counter()
        tracing.finish(
            spans, "GET /things", "server", request, started=started, attributes={"n": 1}
        )
        tracing.finish(spans, "process x", "consumer", fresh, started=started, attributes={})
        tracing.finish(
            spans, "not sampled", "consumer", unsampled, started=started, attributes={}, error="x"
        )
        spans.shutdown()  # flushes: no waiting for the batch delay

        assert receiver.requests >= 1
        by_name = {s.name: s for s in receiver.spans}
        assert set(by_name) == {"GET /things", "process x"}, "flags 00: not exported"
        server = by_name["GET /things"]
        assert (server.trace_id, server.span_id) == (request.trace_id, request.span_id)
        assert server.parent_span_id == caller.span_id
        assert (server.kind, server.service, server.attributes) == ("server", "harness", {"n": 1})
        assert server.start_ns <= server.end_ns
        root = by_name["process x"]
        assert (root.trace_id, root.span_id, root.parent_span_id) == (
            fresh.trace_id,
            fresh.span_id,
            None,
        )


def test_the_setting_names_the_collector_and_the_traces_path_is_added():
    assert traces_url("http://jaeger:4318") == "http://jaeger:4318/v1/traces"
    assert traces_url("http://jaeger:4318/") == "http://jaeger:4318/v1/traces"
    assert traces_url("http://c:4318/v1/traces") == "http://c:4318/v1/traces"


# A service started in its own interpreter: its lifespan runs, one request goes through the
# middleware, the lifespan ends; then it tells what it loaded.
SERVICE_RUN = """
import asyncio, json, sys
import httpx
from nic_intake.main import create_app
from nic_intake.settings import IntakeSettings


async def main():
    app = create_app(IntakeSettings(**json.loads(sys.argv[1])))
    async with app.router.lifespan_context(app):
        exporter = app.state.span_exporter
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            status = (await client.get("/asyncapi.json")).status_code
    print(json.dumps({
        "status": status,
        "exporter": type(exporter).__name__ if exporter is not None else None,
        "otel_sdk_loaded": any(m.startswith("opentelemetry.sdk") for m in sys.modules),
        "nic_shared_otel_loaded": "nic_shared.otel" in sys.modules,
    }))


asyncio.run(main())
"""


def _run_intake(tmp_path, **extra):
    settings = service_settings(
        f"127.0.0.1:{free_port()}",  # no broker: the relay backs off quietly
        f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        "t.",
    ) | {"consumer_backoff_max_s": 0.2, "relay_backoff_max_s": 0.2, **extra}
    done = subprocess.run(
        [sys.executable, "-c", SERVICE_RUN, json.dumps(settings)],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


@pytest.mark.parametrize(
    "setting", [{}, {"otel_exporter_otlp_endpoint": ""}], ids=["unset", "empty"]
)
def test_without_a_collector_setting_no_exporter_is_created_and_the_sdk_is_never_loaded(
    tmp_path, setting
):
    ran = _run_intake(tmp_path, **setting)
    assert ran == {
        "status": 200,
        "exporter": None,
        "otel_sdk_loaded": False,
        "nic_shared_otel_loaded": False,
    }


def test_with_a_collector_setting_the_requests_spans_are_sent_before_the_service_stops(
    tmp_path,
):
    with otlp_receiver() as receiver:
        ran = _run_intake(tmp_path, otel_exporter_otlp_endpoint=receiver.url)
        assert ran["exporter"] == "OtlpSpans"
        assert ran["otel_sdk_loaded"] is True
        (span,) = receiver.spans  # the probes are not spans; the batch went at shutdown
        assert (span.service, span.kind, span.name) == ("intake", "server", "GET /asyncapi.json")
        assert span.attributes["http.route"] == "/asyncapi.json"
        assert span.attributes["http.response.status_code"] == 200


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # the spans are the subject here: one database backend will do


async def test_each_delivery_is_a_consumer_span_under_the_events_span_with_its_outcome(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix, consumer_max_attempts=2)
    poison_trace, fine_trace = tracing.new_trace(), tracing.new_trace()
    poison = new_event(harness.payload("poison"), source="/t", traceparent=poison_trace.traceparent)
    fine = new_event(harness.payload("fine"), source="/t", traceparent=fine_trace.traceparent)
    await harness.produce(
        broker.bootstrap,
        f"{topic_prefix}nic.registry",
        poison.to_bytes(),
        fine.to_bytes(),
        fine.to_bytes(),  # delivered twice: the second is a duplicate
    )

    class FailsOnPoison(Handled):
        async def handle(self, session, item, event, ctx) -> None:
            if item.name == "poison":
                raise ValueError("cannot apply poison")
            await super().handle(session, item, event, ctx)

    exported: list[tracing.Span] = []
    consumer = harness.consumer_for(db, cfg, FailsOnPoison())
    token = tracing.use_exporter(exported.append)  # the consumer's task inherits it
    try:
        async with harness.running(consumer.run()):
            await harness.wait_until(lambda: _spans_for(exported, fine.id, 2))
    finally:
        tracing.reset_exporter(token)
    await db.dispose()

    def deliveries(event, carried):
        spans = [s for s in exported if s.attributes["messaging.message.id"] == event.id]
        assert all(s.kind == "consumer" for s in spans)
        assert all(s.context.trace_id == carried.trace_id for s in spans)
        assert all(s.context.parent_span_id == carried.span_id for s in spans)
        assert len({s.context.span_id for s in spans}) == len(spans), "a new span per delivery"
        return [(s.attributes["nic.event.outcome"], s.error is not None) for s in spans]

    assert deliveries(poison, poison_trace) == [("retry", True), ("dead_lettered", True)]
    assert deliveries(fine, fine_trace) == [("applied", False), ("duplicate", False)]
    failed = next(s for s in exported if s.error is not None)
    assert failed.attributes["error.type"] == "ValueError"
    assert failed.name == f"process {poison.type}"
    assert failed.attributes["messaging.destination.name"] == f"{topic_prefix}nic.registry"


async def _spans_for(exported: list[tracing.Span], event_id: str, n: int) -> bool:
    return sum(s.attributes["messaging.message.id"] == event_id for s in exported) >= n
