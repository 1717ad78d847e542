"""Innovasjonsrammen stage 5 not taken, in scoring: when intake's sweep closes the proposals
of a cluster that forwarded nothing by its deadline (ClusterStageLapsed), they go from
awaiting_cluster to not_forwarded for good, whichever event comes first; the same event
again changes nothing; a lapse naming a forwarded proposal is poison."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from nic_scoring.consumers import on_lapsed
from nic_shared.consumer import Poison
from nic_shared.events import new_event
from nic_shared.events.intake import ClusterStageLapsed
from tests.scoring.conftest import DEADLINE
from tests.scoring.test_forwarding import (
    CLUSTER_A,
    CLUSTER_B,
    feed_forwarding,
    forwarding,
    staged_call,
    statuses,
)


def lapse(call_id: str, closed: list[str], cluster: str = CLUSTER_A) -> ClusterStageLapsed:
    return ClusterStageLapsed(
        call_id=uuid.UUID(call_id),
        cluster_id=uuid.UUID(cluster),
        not_forwarded=[uuid.UUID(a) for a in closed],
        cluster_deadline=DEADLINE + timedelta(days=14),
        lapsed_at=DEADLINE + timedelta(days=14, minutes=1),
    )


async def feed_lapse(scoring: Any, payload: ClusterStageLapsed) -> None:
    async with scoring.app.state.db.transaction() as session:
        await on_lapsed(session, payload, new_event(payload, source="/t"), None)


async def test_proposals_of_a_cluster_that_let_its_deadline_pass_are_not_forwarded(scoring):
    call = await staged_call(scoring)
    ours = [await scoring.eligible(call, f"F{i}", cluster=CLUSTER_A) for i in range(2)]
    theirs = await scoring.eligible(call, "Annen", cluster=CLUSTER_B)
    assert set((await statuses(scoring, call)).values()) == {"awaiting_cluster"}

    await feed_lapse(scoring, lapse(call, ours))
    assert await statuses(scoring, call) == {
        ours[0]: "not_forwarded",
        ours[1]: "not_forwarded",
        theirs: "awaiting_cluster",
    }
    panel = await scoring.panel(call)
    member = await scoring.member(panel)
    assert (await scoring.assign(panel, ours[0], member)).status_code == 409


async def test_a_lapse_before_the_assessment_still_closes_the_proposal(scoring):
    call = await staged_call(scoring)
    app = str(uuid.uuid4())
    await feed_lapse(scoring, lapse(call, [app]))
    await scoring.eligible(call, "Sen vurdering", cluster=CLUSTER_A, application_id=app)
    assert await statuses(scoring, call) == {app: "not_forwarded"}


async def test_the_same_lapse_again_changes_nothing_and_one_naming_a_forwarded_is_poison(
    scoring,
):
    call = await staged_call(scoring)
    ours = [await scoring.eligible(call, f"F{i}", cluster=CLUSTER_A) for i in range(3)]
    theirs = [await scoring.eligible(call, f"B{i}", cluster=CLUSTER_B) for i in range(2)]
    await feed_lapse(scoring, lapse(call, theirs, CLUSTER_B))
    await feed_lapse(scoring, lapse(call, theirs, CLUSTER_B))  # redelivered
    await feed_forwarding(scoring, forwarding(call, ours[:2], ours[2:]))
    before = await statuses(scoring, call)
    assert [before[a] for a in theirs] == ["not_forwarded", "not_forwarded"]
    with pytest.raises(Poison):
        await feed_lapse(scoring, lapse(call, ours[:1]))
    assert await statuses(scoring, call) == before
