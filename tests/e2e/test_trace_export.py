"""Spans exported over OTLP/HTTP end to end: real intake, eligibility and registry, the real
broker, and a real OTLP receiver standing in for the collector (Jaeger, the OpenTelemetry
Collector). A submission and everything it causes arrive as one trace, under the ids the
services already hand out (x-request-id, traceparent, the events), parent to child across
every hop."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from nic_eligibility.main import MIGRATIONS as ELIGIBILITY_MIGRATIONS
from nic_eligibility.main import create_app as eligibility_app
from nic_eligibility.settings import EligibilitySettings
from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_shared import tracing
from nic_shared.events.eligibility import EligibilityAssessed
from nic_shared.events.intake import ApplicationSubmitted
from tests.e2e.test_eligibility_flow import (
    CALL,
    OFFICER,
    OWNER,
    content,
    eligibility_entries,
    ok,
    registry_data,
)
from tests.intake.builders import attach, draft, outbox_events, submit
from tests.shared.otlp_receiver import ReceivedSpan, otlp_receiver
from tests.support.processes import ServiceProcess
from tests.support.services import serve, service_settings

SUBMIT_ROUTE = "/v1/applications/{application_id}/submit"


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # the spans are the subject here: one database backend will do


def one(spans: list[ReceivedSpan], **wanted: Any) -> ReceivedSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in wanted.items())]
    assert len(found) == 1, f"expected one span with {wanted}, found {found}"
    return found[0]


async def test_submission_and_its_assessment_export_one_trace(broker, new_database, topic_prefix):
    with otlp_receiver() as receiver:

        async def settings(name: str, migrations: Any) -> dict[str, Any]:
            url = await new_database(name, migrations)
            return service_settings(broker.bootstrap, url, topic_prefix) | {
                "otel_exporter_otlp_endpoint": receiver.url
            }

        # The registry in its own process, configured through its environment as in production.
        registry = ServiceProcess("registry", await settings("registry", None))
        await asyncio.to_thread(registry.migrate)
        intake_settings = IntakeSettings(**await settings("intake", INTAKE_MIGRATIONS))
        intake = intake_app(intake_settings)
        eligibility = eligibility_app(
            EligibilitySettings(
                **await settings("eligibility", ELIGIBILITY_MIGRATIONS),
                registry_url=registry.url,
            )
        )
        async with serve(intake) as i, serve(eligibility) as e:
            await registry.start(ready=True)
            try:
                async with httpx.AsyncClient(base_url=registry.url, timeout=10) as r:
                    cluster_id = await registry_data(r)
                call = await ok(await i.client.post("/v1/calls", json=CALL, headers=OFFICER))
                await ok(
                    await i.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER), 200
                )
                # Eligibility knows the call before the submission arrives (they travel on
                # different partitions): one delivery, no retry span.
                for _ in range(300):
                    known = await e.client.get(f"/v1/calls/{call['id']}/rule-set", headers=OFFICER)
                    if known.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("eligibility never learnt the call")
                application = await draft(i.client, call["id"], content(cluster_id), org=OWNER)
                uploaded = await attach(
                    i.client, application["id"], "project_description", org=OWNER
                )
                assert uploaded.status_code == 201, uploaded.text
                submitted = await submit(i.client, application["id"], org=OWNER)
                assert submitted.status_code == 201, submitted.text
                for _ in range(300):
                    if await eligibility_entries(i.client, application["id"]):
                        break  # the decision went back to intake: every hop has run
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("no eligibility decision reached intake")
            finally:
                await registry.stop()  # SIGTERM: its lifespan sends its spans
        # Both in-process services have shut down too: their spans are sent.

        trace_id = submitted.headers["x-request-id"]
        echoed = tracing.parse_traceparent(submitted.headers["traceparent"])
        assert echoed is not None
        assert echoed.trace_id == trace_id
        (event,) = await outbox_events(intake_settings.database_url, ApplicationSubmitted.TYPE)
        carried = tracing.parse_traceparent(event["traceparent"])
        assert carried is not None
        assert carried.trace_id == trace_id
        receiver.wait_for(
            lambda spans: any(
                s.service == "intake" and s.name == f"process {EligibilityAssessed.TYPE}"
                for s in spans
            ),
            timeout_s=10,
        )
        spans = receiver.trace(trace_id)

    # The request: intake's SERVER span has the ids it answered with.
    request = one(spans, service="intake", kind="server")
    assert request.name == f"POST {SUBMIT_ROUTE}"
    assert request.span_id == echoed.span_id
    assert request.parent_span_id is None  # the applicant sent no traceparent
    assert request.attributes["http.request.method"] == "POST"
    assert request.attributes["http.route"] == SUBMIT_ROUTE
    assert request.attributes["http.response.status_code"] == 201
    assert not request.error

    # The event it recorded: a PRODUCER span with the id the event carries, under the request.
    created = one(spans, service="intake", kind="producer", span_id=carried.span_id)
    assert created.parent_span_id == request.span_id
    assert created.attributes["messaging.message.id"] == event["id"]

    # Eligibility handling it: a CONSUMER span, child of the span the event carries.
    handled = one(
        spans,
        service="eligibility",
        kind="consumer",
        name=f"process {ApplicationSubmitted.TYPE}",
    )
    assert handled.parent_span_id == carried.span_id
    assert handled.attributes["messaging.system"] == "kafka"
    assert handled.attributes["messaging.destination.name"] == f"{topic_prefix}nic.intake"
    assert handled.attributes["messaging.message.id"] == event["id"]
    assert handled.attributes["cloudevents.event_type"] == ApplicationSubmitted.TYPE
    assert handled.attributes["nic.event.outcome"] == "applied"
    assert "messaging.kafka.offset" in handled.attributes
    assert not handled.error

    # ...which recorded the assessment, which intake took back onto the timeline.
    assessed = one(spans, service="eligibility", kind="producer")
    assert assessed.parent_span_id == handled.span_id
    timeline = one(spans, service="intake", kind="consumer")
    assert timeline.name == f"process {EligibilityAssessed.TYPE}"
    assert timeline.parent_span_id == assessed.span_id

    # The facts it asked the registry for on the way: the registry's span is a child of it.
    facts = one(spans, service="registry", kind="server", name="POST /v1/facts")
    assert facts.parent_span_id == handled.span_id

    # One tree: every span's parent is in the trace, but the request's.
    ids = {s.span_id for s in spans}
    assert [s for s in spans if s.parent_span_id not in ids] == [request]
    assert {s.service for s in spans} == {"intake", "eligibility", "registry"}
    assert all(s.start_ns <= s.end_ns for s in spans)

    # The registry, configured by its environment, exported its own requests' spans.
    registry_spans = [s for s in receiver.spans if s.service == "registry"]
    assert {"POST /v1/clusters", "POST /v1/facts"} <= {s.name for s in registry_spans}
