"""Operators run the pipeline but may not read applications: the stream, the ops event views,
the trail, dead letters and their webhooks show them ids, types, times and statuses, never
the content. Programme officers, who may read the applications, see everything."""

from __future__ import annotations

import json
import uuid
from typing import Any

from nic_operations import webhooks
from nic_shared.events.redaction import REDACTED
from tests.operations.sse import sse
from tests.operations.stand_ins import CONTACT, SUBMITTED, platform
from tests.operations.test_webhooks import Receiver, _at_least
from tests.operations.waiting import eventually
from tests.support.services import auth, serve

OPERATOR = auth("operations", subject="oncall-kari")
OFFICER = auth("programme_officer", subject="officer-ola")
PERSONAL = (CONTACT.name, CONTACT.email, "912 34 567", "Grønn skipsfart")


def shows_nothing_personal(value: Any) -> bool:
    text = json.dumps(value, ensure_ascii=False)
    return not any(secret in text for secret in PERSONAL)


async def test_operators_see_ids_times_and_statuses_of_a_submission_and_officers_see_it_all(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops, intake = p.operations.client, p.services["intake"].client
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        ticket = (await ops.post("/v1/stream/tickets", headers=OPERATOR)).json()["ticket"]
        officer_ticket = (await ops.post("/v1/stream/tickets", headers=OFFICER)).json()["ticket"]
        filters = {"subject": application, "type": "application.submitted"}
        async with (
            sse(ops, filters, OPERATOR) as operator_stream,
            sse(ops, {**filters, "ticket": ticket}) as operator_page,
            sse(ops, filters, OFFICER) as officer_stream,
            sse(ops, {**filters, "ticket": officer_ticket}) as officer_page,
        ):
            submitted = await intake.post(
                "/submit", json={"application_id": application, "call_id": call}
            )
            assert submitted.status_code == 202
            for reader in (operator_stream, operator_page):
                [event] = await reader.take(1)
                assert event["type"] == SUBMITTED
                assert event["data"]["application_id"] == application
                assert event["data"]["call_id"] == call
                assert event["data"]["version"] == 1
                assert event["data"]["content"] == REDACTED
                assert event["data"]["applicant_org_number"] == REDACTED
                assert event["traceparent"]
                assert shows_nothing_personal(event)
            for reader in (officer_stream, officer_page):
                [event] = await reader.take(1)
                assert event["data"]["content"]["contact_person"]["email"] == CONTACT.email

        async def published(headers: dict[str, str]) -> Any:
            trail = await intake.get(
                "/v1/ops/events", params={"subject": application}, headers=headers
            )
            return trail.json()["published"]

        [seen] = await eventually(lambda: published(OPERATOR))
        assert seen["data"]["submitted_at"]
        assert seen["data"]["content"] == REDACTED
        assert shows_nothing_personal(seen)
        [full] = await published(OFFICER)
        assert full["data"]["content"]["contact_person"]["name"] == CONTACT.name

        async def finished() -> Any:
            trail = await ops.get(f"/v1/applications/{application}/trail", headers=OPERATOR)
            return trail.json() if trail.json()["state"] == "recommended" else None

        assert shows_nothing_personal(await eventually(finished))


async def test_a_dead_letter_shows_operators_its_envelope_but_not_its_content(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        eligibility = p.services["eligibility"].client
        application, call = str(uuid.uuid4()), str(uuid.uuid4())
        p.behaviour.poison.add(application)
        async with sse(p.operations.client, {"topic": "nic.intake.dlq"}, OPERATOR) as dlq:
            await p.services["intake"].client.post(
                "/submit", json={"application_id": application, "call_id": call}
            )

            async def listed() -> Any:
                page = await eligibility.get("/v1/ops/dead-letters", headers=OPERATOR)
                return page.json()["items"]

            [item] = await eventually(listed)
            [streamed] = await dlq.take(1)
        assert streamed["data"]["content"] == REDACTED
        assert shows_nothing_personal(streamed)
        assert streamed["error"].startswith("Poison")
        url = f"/v1/ops/dead-letters/{item['id']}"
        detail = (await eligibility.get(url, headers=OPERATOR)).json()
        assert detail["payload"]["type"] == SUBMITTED
        assert detail["payload"]["data"]["application_id"] == application
        assert detail["payload"]["data"]["content"] == REDACTED
        assert shows_nothing_personal(detail)
        listed_all = await p.operations.client.get("/v1/services/dead-letters", headers=OPERATOR)
        assert shows_nothing_personal(listed_all.json())
        full = (await eligibility.get(url, headers=OFFICER)).json()
        assert full["payload"]["data"]["content"]["contact_person"]["phone"] == CONTACT.phone


async def test_an_operators_webhook_gets_redacted_events_and_an_officers_gets_them_in_full(
    broker, new_database, topic_prefix
):
    receiver = Receiver(fail_first=0)
    async with (
        serve(receiver.app(), ready=False) as hooks,
        platform(broker.bootstrap, new_database, topic_prefix) as p,
    ):
        secrets = {}
        for name, headers in (("operator", OPERATOR), ("officer", OFFICER)):
            created = await p.operations.client.post(
                "/v1/webhooks/subscriptions",
                json={"url": f"{hooks.base_url}/hook", "event_types": ["application.submitted"]},
                headers=headers,
            )
            assert created.status_code == 201, created.text
            assert created.json()["full_payloads"] is (name == "officer")
            secrets[name] = created.json()["secret"]
        application = str(uuid.uuid4())
        await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": str(uuid.uuid4())}
        )
        await eventually(lambda: _at_least(receiver.hook, 2))
        bodies = {
            name: json.loads(body)
            for headers, body, _status in receiver.hook
            for name, secret in secrets.items()
            if webhooks.verify(secret, headers, body)
        }
        assert set(bodies) == {"operator", "officer"}
        assert bodies["operator"]["data"]["application_id"] == application
        assert bodies["operator"]["data"]["content"] == REDACTED
        assert shows_nothing_personal(bodies["operator"])
        assert bodies["officer"]["data"]["content"]["contact_person"]["email"] == CONTACT.email
