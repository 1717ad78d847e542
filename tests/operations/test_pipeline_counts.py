"""Pipeline counts per call name the call by its code once it is published, and count the
funding recommendations by outcome: recommended, reserve and not recommended apart (the
page once showed 31 recommended for a ranking of 11 recommended and 20 reserve)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from nic_shared import outbox
from nic_shared.events.scoring import FundingOutcome, FundingRecommended
from tests.eligibility.stand_in import call_published
from tests.operations.stand_ins import platform
from tests.operations.waiting import eventually
from tests.support.services import auth

OPS = auth("operations")


async def test_a_call_is_named_by_its_code_and_reserve_is_not_counted_as_recommended(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = uuid.uuid4()
        published = call_published(call)
        async with p.services["intake"].app.state.db.transaction() as session:
            await outbox.record(session, published)
        outcomes = [FundingOutcome.RECOMMENDED] * 2 + [FundingOutcome.RESERVE] * 3
        outcomes.append(FundingOutcome.NOT_RECOMMENDED)
        applications = [str(uuid.uuid4()) for _ in outcomes]
        p.behaviour.hold.update(applications)  # the stand-in panel does not score them
        for application in applications:
            await p.services["intake"].client.post(
                "/submit", json={"application_id": application, "call_id": str(call)}
            )
        now = datetime.now(UTC)
        async with p.services["scoring"].app.state.db.transaction() as session:
            for rank, (application, outcome) in enumerate(zip(applications, outcomes, strict=True)):
                await outbox.record(
                    session,
                    FundingRecommended(
                        application_id=uuid.UUID(application),
                        call_id=call,
                        ranking_version=1,
                        outcome=outcome,
                        rank=rank + 1,
                        recommended_amount_nok=100_000,
                        recommended_at=now,
                    ),
                )

        async def settled() -> Any:
            answer = await p.operations.client.get(
                "/v1/pipeline/calls", params={"call_id": str(call)}, headers=OPS
            )
            rows = answer.json()
            done = rows and rows[0]["call_code"] and rows[0]["not_recommended"] == 1
            return rows[0] if done and rows[0]["submitted"] == 6 else None

        row = await eventually(settled)
        assert row["call_code"] == published.code
        assert row["call_title_nb"] == "Testutlysning"
        assert row["call_title_en"] == "Test call"
        assert (row["recommended"], row["reserve"], row["not_recommended"]) == (2, 3, 1)
