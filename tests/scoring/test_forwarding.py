"""Innovasjonsrammen stage 5 in scoring: only what a cluster forwarded (ClusterPriority-
Submitted) is scorable in a call with a cluster stage, in the cluster's order with the marks
the cluster gave, never typed again; the others are closed; the order of events does not
matter; a second, other list is poison and changes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from nic_scoring.consumers import on_call_published, on_forwarded
from nic_shared.consumer import Poison
from nic_shared.events import new_event
from nic_shared.events.intake import (
    CallPublished,
    ClusterPrioritySubmitted,
    ClusterStage,
    PrioritisedProposal,
)
from nic_shared.events.specs import RuleSetSpec, Scheme
from tests.scoring.conftest import DEADLINE, OFFICER, inno_scheme, marks, member_auth
from tests.support.services import auth

CLUSTER_A = "11111111-1111-4111-8111-111111111111"
CLUSTER_B = "22222222-2222-4222-8222-222222222222"
MANAGER = auth("cluster_manager", cluster=CLUSTER_A)


async def staged_call(scoring: Any, call_id: uuid.UUID | None = None) -> str:
    call_id = call_id or uuid.uuid4()
    payload = CallPublished(
        call_id=call_id,
        code=f"INNO-{call_id.hex[:6]}",
        scheme=Scheme.INNOVASJONSRAMMEN,
        title_nb="Innovasjonsrammen",
        title_en="Innovasjonsrammen",
        opens_at=DEADLINE - timedelta(days=90),
        deadline=DEADLINE,
        budget_frame_nok=1_000_000,
        grant_min_nok=None,
        grant_max_nok=300_000,
        max_aid_intensity_percent=50,
        required_parts=[],
        rule_set=RuleSetSpec(name="innovasjonsrammen"),
        scoring_scheme=inno_scheme(),
        cluster_stage=ClusterStage(
            proposals_min=2, proposals_max=4, deadline=DEADLINE + timedelta(days=14)
        ),
    )
    async with scoring.app.state.db.transaction() as session:
        await on_call_published(session, payload, new_event(payload, source="/t"), None)
    return str(call_id)


def forwarding(call_id: str, ranked: list[str], closed: list[str]) -> ClusterPrioritySubmitted:
    return ClusterPrioritySubmitted(
        call_id=uuid.UUID(call_id),
        cluster_id=uuid.UUID(CLUSTER_A),
        proposals=[
            PrioritisedProposal(application_id=uuid.UUID(a), rank=i)
            for i, a in enumerate(ranked, start=1)
        ],
        not_forwarded=[uuid.UUID(a) for a in closed],
        submitted_at=DEADLINE + timedelta(days=3),
    )


async def feed_forwarding(scoring: Any, payload: ClusterPrioritySubmitted) -> None:
    async with scoring.app.state.db.transaction() as session:
        await on_forwarded(session, payload, new_event(payload, source="/t"), None)


async def statuses(scoring: Any, call_id: str) -> dict[str, str]:
    listed = await scoring.client.get(f"/v1/calls/{call_id}/applications", headers=OFFICER)
    assert listed.status_code == 200
    return {a["application_id"]: a["status"] for a in listed.json()}


async def test_only_forwarded_proposals_become_scorable_with_the_clusters_order_and_marks(
    scoring,
):
    call = await staged_call(scoring)
    ours = [await scoring.eligible(call, f"Forslag {i}", cluster=CLUSTER_A) for i in range(3)]
    theirs = await scoring.eligible(call, "Annen klynge", cluster=CLUSTER_B)
    assert set((await statuses(scoring, call)).values()) == {"awaiting_cluster"}

    base = f"/v1/calls/{call}/cluster-proposals"
    for app, four in ((ours[2], (7, 6, 5, 4)), (ours[0], (5, 5, 5, 5))):
        # the title and time come from the application as scoring has it: nothing re-typed
        entered = await scoring.client.put(
            f"{base}/{app}", json={"marks": marks(*four)}, headers=MANAGER
        )
        assert entered.status_code == 204, entered.text

    panel = await scoring.panel(call)
    member = await scoring.member(panel)
    early = await scoring.assign(panel, ours[0], member)
    assert early.status_code == 409  # not before the panel yet

    await feed_forwarding(scoring, forwarding(call, [ours[2], ours[0]], [ours[1]]))
    assert await statuses(scoring, call) == {
        ours[2]: "scorable",
        ours[0]: "scorable",
        ours[1]: "not_forwarded",
        theirs: "awaiting_cluster",
    }
    assert (await scoring.assign(panel, ours[0], member)).status_code == 201
    assert (await scoring.assign(panel, ours[1], member)).status_code == 409
    mine = await scoring.client.get(f"/v1/applications/{ours[0]}", headers=member_auth(member))
    assert mine.json()["cluster_rank"] == 2
    officers = await scoring.client.get(f"/v1/applications/{ours[2]}", headers=OFFICER)
    assert officers.json()["cluster_rank"] == 1

    seen = await scoring.client.get(f"{base}/forwarded", headers=member_auth(member))
    assert seen.status_code == 200, seen.text
    [cluster] = seen.json()["clusters"]
    assert cluster["cluster_id"] == CLUSTER_A
    assert cluster["not_forwarded"] == 1
    assert [(p["cluster_rank"], p["application_id"]) for p in cluster["proposals"]] == [
        (1, ours[2]),
        (2, ours[0]),
    ]
    first = cluster["proposals"][0]
    assert first["title"] == "Forslag 2"
    assert Decimal(first["weighted_total"]) == Decimal("5.65")  # 7*.25 + 6*.35 + 5*.2 + 4*.2
    assert [Decimal(m["mark"]) for m in first["marks"]] == [7, 6, 5, 4]

    # from now on the cluster's marks are what the panel sees: fixed
    changed = await scoring.client.put(
        f"{base}/{ours[2]}", json={"marks": marks(1, 1, 1, 1)}, headers=MANAGER
    )
    assert changed.status_code == 409
    assert changed.json()["type"] == "urn:nic:problem:cluster-priority-forwarded"
    other_manager = auth("cluster_manager", cluster=CLUSTER_B)
    assert (await scoring.client.get(f"{base}/forwarded", headers=other_manager)).json()[
        "clusters"
    ] == []
    stranger = auth("panel_member", panel_member=str(uuid.uuid4()))
    assert (await scoring.client.get(f"{base}/forwarded", headers=stranger)).status_code == 404


async def test_a_forwarding_before_the_assessments_still_decides_what_is_scorable(scoring):
    call = await staged_call(scoring)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    await feed_forwarding(scoring, forwarding(call, ids[:2], ids[2:]))
    for n, app in enumerate(ids):
        await scoring.eligible(call, f"F{n}", cluster=CLUSTER_A, application_id=app)
    assert await statuses(scoring, call) == {
        ids[0]: "scorable",
        ids[1]: "scorable",
        ids[2]: "not_forwarded",
    }


async def test_an_assessment_before_the_call_is_gated_when_the_cluster_stage_arrives(scoring):
    call_id = uuid.uuid4()
    app = await scoring.eligible(str(call_id), "Tidlig", cluster=CLUSTER_A)
    await staged_call(scoring, call_id)
    assert await statuses(scoring, str(call_id)) == {app: "awaiting_cluster"}


async def test_a_second_other_forwarding_is_poison_and_the_same_again_changes_nothing(scoring):
    call = await staged_call(scoring)
    ours = [await scoring.eligible(call, f"F{i}", cluster=CLUSTER_A) for i in range(3)]
    await feed_forwarding(scoring, forwarding(call, ours[:2], ours[2:]))
    before = await statuses(scoring, call)
    await feed_forwarding(scoring, forwarding(call, ours[:2], ours[2:]))  # redelivered
    with pytest.raises(Poison):
        await feed_forwarding(scoring, forwarding(call, [ours[2], ours[0]], [ours[1]]))
    assert await statuses(scoring, call) == before


async def test_a_call_without_a_cluster_stage_is_not_gated(scoring):
    call = await scoring.call()
    app = await scoring.eligible(call, "Vanlig", cluster=CLUSTER_A)
    assert await statuses(scoring, call) == {app: "scorable"}
