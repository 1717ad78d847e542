"""Break glass: the `ops_break_glass` role reads events in full on the stream and the ops
views only where the service's `ops_break_glass` setting is on, and every such read leaves an
`ops_audit` row (who, when, which event or dead letter, which view) in the service that
served it. Without the setting the role sees what the operations role sees, and leaves no
audit rows; operators and officers are unchanged either way."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from nic_shared.events.redaction import REDACTED
from nic_shared.ops import OPS_AUDIT
from nic_shared.ops_access import READ_ACTION
from tests.operations.sse import sse
from tests.operations.stand_ins import CONTACT, SUBMITTED, platform
from tests.operations.test_redaction import shows_nothing_personal
from tests.operations.waiting import eventually
from tests.support.services import RunningService, auth

OPERATOR = auth("operations", subject="oncall-kari")
BREAK_GLASS = auth("operations", "ops_break_glass", subject="oncall-per")
OFFICER = auth("programme_officer", subject="officer-ola")
FILTERS = {"type": "application.submitted"}


async def audit_rows(service: RunningService) -> list[Any]:
    async with service.app.state.db.transaction() as session:
        query = select(OPS_AUDIT).where(OPS_AUDIT.c.action == READ_ACTION).order_by(OPS_AUDIT.c.id)
        return list((await session.execute(query)).all())


async def submit(p: Any, application: str) -> None:
    answer = await p.services["intake"].client.post(
        "/submit", json={"application_id": application, "call_id": str(uuid.uuid4())}
    )
    assert answer.status_code == 202


async def published(p: Any, application: str, headers: dict[str, str]) -> Any:
    async def found() -> Any:
        answer = await p.services["intake"].client.get(
            "/v1/ops/events", params={"subject": application}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["published"]

    return await eventually(found)


async def test_without_the_setting_break_glass_sees_what_operations_sees_and_nothing_is_audited(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        application = str(uuid.uuid4())
        ticket = (await ops.post("/v1/stream/tickets", headers=BREAK_GLASS)).json()["ticket"]
        filters = {**FILTERS, "subject": application}
        async with (
            sse(ops, filters, BREAK_GLASS) as bearer,
            sse(ops, {**filters, "ticket": ticket}) as page,
        ):
            await submit(p, application)
            for reader in (bearer, page):
                [event] = await reader.take(1)
                assert event["data"]["content"] == REDACTED
                assert shows_nothing_personal(event)
        [event] = await published(p, application, BREAK_GLASS)
        assert event["data"]["content"] == REDACTED
        assert await audit_rows(p.operations) == []
        assert await audit_rows(p.services["intake"]) == []


async def test_with_the_setting_break_glass_reads_the_stream_in_full_one_audit_row_per_event(
    broker, new_database, topic_prefix
):
    async with platform(
        broker.bootstrap,
        new_database,
        topic_prefix,
        stand_in_overrides={"ops_break_glass": True},
        ops_break_glass=True,
    ) as p:
        ops = p.operations.client
        application = str(uuid.uuid4())
        ticket = (await ops.post("/v1/stream/tickets", headers=BREAK_GLASS)).json()["ticket"]
        filters = {**FILTERS, "subject": application}
        async with (
            sse(ops, filters, BREAK_GLASS) as bearer,
            sse(ops, {**filters, "ticket": ticket}) as page,
            sse(ops, filters, OPERATOR) as operator,
            sse(ops, filters, OFFICER) as officer,
        ):
            await submit(p, application)
            [by_bearer], [by_page] = await bearer.take(1), await page.take(1)
            [by_operator], [by_officer] = await operator.take(1), await officer.take(1)
        for event in (by_bearer, by_page, by_officer):
            assert event["type"] == SUBMITTED
            assert event["data"]["content"]["contact_person"]["email"] == CONTACT.email
        assert by_operator["data"]["content"] == REDACTED
        assert shows_nothing_personal(by_operator)

        rows = await audit_rows(p.operations)
        assert [(r.actor, r.event_id) for r in rows] == [("oncall-per", by_bearer["id"])] * 2
        assert all(r.detail.startswith("GET /v1/stream nic.intake/") for r in rows)
        assert all(r.at is not None and r.dead_letter_id is None for r in rows)


async def test_with_the_setting_break_glass_reads_the_ops_views_in_full_each_read_audited(
    broker, new_database, topic_prefix
):
    async with platform(
        broker.bootstrap,
        new_database,
        topic_prefix,
        stand_in_overrides={"ops_break_glass": True},
        ops_break_glass=True,
    ) as p:
        application = str(uuid.uuid4())
        await submit(p, application)
        [redacted] = await published(p, application, OPERATOR)
        assert redacted["data"]["content"] == REDACTED
        assert await audit_rows(p.services["intake"]) == []  # operators leave no read rows
        [full] = await published(p, application, OFFICER)
        assert full["data"]["content"]["contact_person"]["name"] == CONTACT.name
        assert await audit_rows(p.services["intake"]) == []  # nor do officers

        [seen] = await published(p, application, BREAK_GLASS)
        assert seen["data"]["content"]["contact_person"]["phone"] == CONTACT.phone
        await published(p, application, BREAK_GLASS)
        rows = await audit_rows(p.services["intake"])
        assert [(r.actor, r.event_id) for r in rows] == [("oncall-per", seen["event_id"])] * 2
        assert rows[0].detail == f"GET /v1/ops/events?subject={application}"


async def test_with_the_setting_break_glass_reads_dead_letters_in_full_each_read_audited(
    broker, new_database, topic_prefix
):
    async with platform(
        broker.bootstrap,
        new_database,
        topic_prefix,
        stand_in_overrides={"ops_break_glass": True},
        ops_break_glass=True,
    ) as p:
        eligibility = p.services["eligibility"].client
        application = str(uuid.uuid4())
        p.behaviour.poison.add(application)
        await submit(p, application)

        async def listed(headers: dict[str, str]) -> Any:
            page = await eligibility.get("/v1/ops/dead-letters", headers=headers)
            return page.json()["items"]

        [item] = await eventually(lambda: listed(OPERATOR))
        url = f"/v1/ops/dead-letters/{item['id']}"
        redacted = (await eligibility.get(url, headers=OPERATOR)).json()
        assert redacted["payload"]["data"]["content"] == REDACTED
        assert await audit_rows(p.services["eligibility"]) == []

        [listed_in_full] = await listed(BREAK_GLASS)
        assert listed_in_full["id"] == item["id"]
        detail = (await eligibility.get(url, headers=BREAK_GLASS)).json()
        assert detail["payload"]["data"]["content"]["contact_person"]["email"] == CONTACT.email
        assert detail["replays"] == []  # reads are audited, not replay history
        rows = await audit_rows(p.services["eligibility"])
        assert [(r.actor, r.dead_letter_id, r.event_id, r.detail) for r in rows] == [
            ("oncall-per", item["id"], item["event_id"], "GET /v1/ops/dead-letters"),
            ("oncall-per", item["id"], item["event_id"], f"GET {url}"),
        ]

        # through operations, with the caller's token: eligibility decides and audits
        across = await p.operations.client.get("/v1/services/dead-letters", headers=BREAK_GLASS)
        assert across.status_code == 200
        assert len(await audit_rows(p.services["eligibility"])) == 3


async def test_break_glass_is_an_operator_where_nothing_allows_more(
    broker, new_database, topic_prefix
):
    only = auth("ops_break_glass", subject="oncall-per")
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        status = await p.services["intake"].client.get("/v1/ops/status", headers=only)
        assert status.status_code == 200
        ticket = await p.operations.client.post("/v1/stream/tickets", headers=only)
        assert ticket.status_code == 201
        applicant = auth("applicant", org="974760673")
        refused = await p.services["intake"].client.get("/v1/ops/status", headers=applicant)
        assert refused.status_code == 403
        assert "ops_break_glass" in refused.json()["detail"]
