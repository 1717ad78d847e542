"""The ranking state per call on the ops counts (issue 20): the latest published version,
whether later facts made it stale and why, until a newer publication clears it.

The events go the real way: recorded in the scoring stand-in's outbox, relayed through the
real broker, handled by operations' own consumer. They are recorded in the order a test
needs; the rules hold in whatever order they arrive.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from nic_operations.models import messaging
from nic_shared import outbox
from nic_shared.events import CloudEvent, EventPayload
from nic_shared.events.scoring import RankingPublished, RankingStale, StaleFact, StaleReason
from tests.operations.stand_ins import Platform, platform
from tests.operations.waiting import eventually
from tests.support.services import auth

OPS = auth("operations")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def published(call: str, version: int) -> RankingPublished:
    return RankingPublished(
        call_id=uuid.UUID(call),
        ranking_version=version,
        budget_frame_nok=10_000_000,
        recommended_total_nok=0,
        entries=[],
        published_at=T0 + timedelta(hours=version),
    )


def stale(call: str, version: int, *facts: tuple[str | None, StaleReason]) -> RankingStale:
    return RankingStale(
        call_id=uuid.UUID(call),
        ranking_version=version,
        reasons=[
            StaleFact(application_id=None if a is None else uuid.UUID(a), reason=r)
            for a, r in facts or [(None, StaleReason.INPUTS_CHANGED)]
        ],
        detected_at=T0 + timedelta(hours=version, minutes=30),
    )


async def scoring_publishes(p: Platform, *payloads: EventPayload) -> list[CloudEvent]:
    """Record the events in the scoring stand-in's outbox, in this order, in one commit."""
    async with p.services["scoring"].app.state.db.transaction() as session:
        return [await outbox.record(session, payload) for payload in payloads]


async def handled(p: Platform, events: list[CloudEvent]) -> None:
    """Wait until operations' consumer has committed every one of these events."""
    ids = {e.id for e in events}
    inbox = messaging.inbox

    async def all_in() -> bool:
        async with p.operations.app.state.db.transaction() as session:
            seen = await session.scalars(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids)))
            return set(seen) == ids

    await eventually(all_in)


async def ranking_of(p: Platform, call: str) -> dict[str, Any] | None:
    ops = p.operations.client
    rows = (await ops.get("/v1/pipeline/calls", params={"call_id": call}, headers=OPS)).json()
    assert len(rows) <= 1
    return rows[0]["ranking"] if rows else None


async def test_stale_ranking_shows_on_the_ops_counts_with_its_reasons(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = str(uuid.uuid4())
        withdrawn, voided = str(uuid.uuid4()), str(uuid.uuid4())
        ops = p.operations.client
        intake = p.services["intake"].client
        await intake.post("/submit", json={"application_id": withdrawn, "call_id": call})

        await handled(p, await scoring_publishes(p, published(call, 1)))
        current = await ranking_of(p, call)
        assert current == {
            "version": 1,
            "published_at": "2026-12-01T10:00:00Z",
            "stale": False,
            "stale_version": None,
            "stale_at": None,
            "reasons": [],
        }

        await scoring_publishes(
            p,
            stale(
                call,
                1,
                (None, StaleReason.BUDGET_CHANGED),
                (withdrawn, StaleReason.WITHDRAWN),
                (voided, StaleReason.RESULT_VOIDED),
            ),
        )

        async def marked() -> dict[str, Any] | None:
            ranking = await ranking_of(p, call)
            return ranking if ranking and ranking["stale"] else None

        ranking = await eventually(marked)
        assert ranking["version"] == ranking["stale_version"] == 1
        assert ranking["published_at"] == "2026-12-01T10:00:00Z"
        assert ranking["stale_at"] == "2026-12-01T10:30:00Z"
        assert ranking["reasons"] == [
            {"application_id": None, "reason": "budget_changed"},
            {"application_id": withdrawn, "reason": "withdrawn"},
            {"application_id": voided, "reason": "result_voided"},
        ]  # ids and codes only: nothing an operator may not read

        # the same state in the list of every call, next to the call's counts
        rows = (await ops.get("/v1/pipeline/calls", headers=OPS)).json()
        row = next(r for r in rows if r["call_id"] == call)
        assert row["ranking"] == ranking
        assert row["submitted"] == 1

        # a later detection for the same version holds the facts as they are now
        earlier = stale(call, 1, (withdrawn, StaleReason.WITHDRAWN))
        now = stale(call, 1, (voided, StaleReason.RESULT_VOIDED))
        later = now.model_copy(update={"detected_at": now.detected_at + timedelta(minutes=5)})
        earlier = earlier.model_copy(update={"detected_at": now.detected_at - timedelta(minutes=5)})
        await handled(p, await scoring_publishes(p, later, earlier))  # the earlier one late
        assert (await ranking_of(p, call))["reasons"] == [
            {"application_id": voided, "reason": "result_voided"}
        ]


async def test_republished_version_clears_the_stale_mark(broker, new_database, topic_prefix):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = str(uuid.uuid4())
        events = await scoring_publishes(p, published(call, 1), stale(call, 1))
        await handled(p, events)
        assert (await ranking_of(p, call))["stale"] is True

        await handled(p, await scoring_publishes(p, published(call, 2)))
        ranking = await ranking_of(p, call)
        assert ranking == {
            "version": 2,
            "published_at": "2026-12-01T11:00:00Z",
            "stale": False,
            "stale_version": None,
            "stale_at": None,
            "reasons": [],
        }

        # an older publication arriving late changes nothing
        await handled(p, await scoring_publishes(p, published(call, 1)))
        assert await ranking_of(p, call) == ranking


async def test_stale_mark_for_an_older_version_is_ignored(broker, new_database, topic_prefix):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = str(uuid.uuid4())  # a call with no applications seen: its ranking still shows
        events = await scoring_publishes(p, published(call, 2), stale(call, 1))
        await handled(p, events)
        ranking = await ranking_of(p, call)
        assert ranking is not None
        assert (ranking["version"], ranking["stale"], ranking["reasons"]) == (2, False, [])


async def test_an_older_publication_arriving_late_leaves_a_newer_stale_mark(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call, application = str(uuid.uuid4()), str(uuid.uuid4())
        # version 3 went stale before its own RankingPublished (another partition) arrived
        events = await scoring_publishes(
            p,
            published(call, 1),
            stale(call, 3, (application, StaleReason.NEWLY_SCORED)),
            published(call, 2),
        )
        await handled(p, events)
        ranking = await ranking_of(p, call)
        assert ranking is not None
        assert (ranking["version"], ranking["stale"], ranking["stale_version"]) == (3, True, 3)
        assert ranking["published_at"] is None  # version 3's publication not seen yet
        assert ranking["reasons"] == [{"application_id": application, "reason": "newly_scored"}]

        # its publication arriving now does not clear it: that version is the stale one
        await handled(p, await scoring_publishes(p, published(call, 3)))
        ranking = await ranking_of(p, call)
        assert ranking is not None
        assert (ranking["version"], ranking["stale"]) == (3, True)
        assert ranking["published_at"] == "2026-12-01T12:00:00Z"
