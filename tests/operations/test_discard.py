"""A dead letter that is not an event can only dead-letter again when replayed: it is
discarded instead, audited (who, when, which dead letter; never its bytes). Dead letters
that are events are refused (409): they are replayed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from nic_shared.ops import OPS_AUDIT
from tests.operations.stand_ins import platform
from tests.support.services import auth

OPS = auth("operations", subject="oncall-kari")


async def dead_letter(app: Any, *, event_type: str | None, payload: str = "not json {") -> int:
    dead = app.state.tables.dead_letters
    async with app.state.db.transaction() as session:
        result = await session.execute(
            insert(dead)
            .values(
                event_id=str(uuid.uuid4()),
                event_type=event_type,
                consumer_group="nic-test",
                origin_topic=app.state.settings.topic("nic.intake"),
                origin_partition=1,
                origin_offset=3,
                key=None,
                payload=payload,
                error_type="Poison",
                error="not a CloudEvent",
                attempts=1,
                dead_lettered_at=datetime.now(UTC),
            )
            .returning(dead.c.id)
        )
        return int(result.scalar_one())


async def rows(app: Any) -> tuple[list[int], list[Any]]:
    dead = app.state.tables.dead_letters
    async with app.state.db.transaction() as session:
        left = list(await session.scalars(select(dead.c.id)))
        audit = list((await session.execute(select(OPS_AUDIT).order_by(OPS_AUDIT.c.id))).all())
    return left, audit


async def test_a_dead_letter_that_is_not_an_event_is_discarded_and_the_discard_audited(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        eligibility = p.services["eligibility"]
        junk = await dead_letter(eligibility.app, event_type=None)
        event = await dead_letter(
            eligibility.app, event_type="no.nic.application.submitted.v1", payload="{}"
        )

        refused = await eligibility.client.post(
            f"/v1/ops/dead-letters/{event}/discard", headers=OPS
        )
        assert refused.status_code == 409
        assert refused.json()["type"].endswith(":dead-letter-is-an-event")
        missing = await eligibility.client.post("/v1/ops/dead-letters/999999/discard", headers=OPS)
        assert missing.status_code == 404
        applicant = auth("applicant", org="974760673")
        forbidden = await eligibility.client.post(
            f"/v1/ops/dead-letters/{junk}/discard", headers=applicant
        )
        assert forbidden.status_code == 403

        done = await eligibility.client.post(f"/v1/ops/dead-letters/{junk}/discard", headers=OPS)
        assert done.status_code == 200, done.text
        assert done.json() == {"discarded": junk}
        left, audit = await rows(eligibility.app)
        assert left == [event]
        [entry] = audit
        assert (entry.action, entry.dead_letter_id, entry.actor) == (
            "dead_letter.discarded",
            junk,
            "oncall-kari",
        )
        assert "not json" not in (entry.detail or "")
        again = await eligibility.client.post(f"/v1/ops/dead-letters/{junk}/discard", headers=OPS)
        assert again.status_code == 404


async def test_operations_discards_a_services_and_its_own_dead_letters(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        theirs = await dead_letter(p.services["scoring"].app, event_type=None)
        own = await dead_letter(p.operations.app, event_type=None)
        for service, id_ in (("scoring", theirs), ("operations", own)):
            answer = await ops.post(
                f"/v1/services/{service}/dead-letters/{id_}/discard", headers=OPS
            )
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"discarded": id_}
        assert (await rows(p.services["scoring"].app))[0] == []
        left, audit = await rows(p.operations.app)
        assert left == []
        assert [a.action for a in audit] == ["dead_letter.discarded"]
        unknown = await ops.post("/v1/services/nowhere/dead-letters/1/discard", headers=OPS)
        assert unknown.status_code == 404
