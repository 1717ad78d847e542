"""Innovasjonsrammen: proposals to a cluster; between the call's deadline and the cluster's
own, the manager forwards 2-4 in the cluster's order; the others are closed; the manager is
mailed; every refusal names the field and rule and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.intake.builders import (
    CLUSTER_A,
    CLUSTER_B,
    OFFICER,
    applicant,
    attach,
    draft,
    inno_content,
    open_call,
    outbox_events,
    scalar,
    submit,
)
from tests.support.services import auth

EVENT = "no.nic.cluster_priority.submitted.v1"
MANAGER = auth("cluster_manager", cluster=CLUSTER_A)
CONTACT = {"name": "Kari Klynge", "email": "kari@klynge.example"}
# the builders' call closes 2026-12-01 16:00 Oslo (15:00 UTC); the cluster's deadline is
# 14 days later at the same Oslo time
IN_CLUSTER_STAGE = datetime(2026, 12, 5, 12, tzinfo=UTC)
AFTER_CLUSTER_DEADLINE = datetime(2026, 12, 15, 15, tzinfo=UTC)


async def proposal(intake: Any, call_id: str, cluster: str, title: str = "Forslag") -> str:
    app = await draft(intake.client, call_id, inno_content(cluster) | {"title": title})
    assert (await attach(intake.client, app["id"], "project_description")).status_code == 201
    assert (await submit(intake.client, app["id"])).status_code == 201
    return str(app["id"])


async def setting_up(intake: Any, n: int = 5) -> tuple[dict[str, Any], list[str], str]:
    call = await open_call(intake.client, scheme="innovasjonsrammen")
    ours = [await proposal(intake, call["id"], CLUSTER_A, f"Forslag {i}") for i in range(n)]
    theirs = await proposal(intake, call["id"], CLUSTER_B)
    return call, ours, theirs


async def forward(intake: Any, call_id: str, ranked: list[str], headers: Any = MANAGER) -> Any:
    return await intake.client.post(
        f"/v1/calls/{call_id}/cluster-priority",
        json={"ranked": ranked, "contact": CONTACT},
        headers=headers,
    )


async def status_of(intake: Any, application_id: str) -> dict[str, Any]:
    response = await intake.client.get(
        f"/v1/applications/{application_id}/status", headers=applicant()
    )
    assert response.status_code == 200
    return dict(response.json())


async def nothing_changed(intake: Any, apps: list[str]) -> None:
    assert await outbox_events(intake.database_url, EVENT) == []
    assert await scalar(intake.database_url, "SELECT count(*) FROM cluster_priorities") == 0
    assert (
        await scalar(
            intake.database_url,
            "SELECT count(*) FROM mail_outbox WHERE recipient = 'kari@klynge.example'",
        )
        == 0
    )
    for app in apps:
        status = await status_of(intake, app)
        assert status["status"] == "submitted"
        assert [t for t in status["timeline"] if t["kind"] == "cluster_priority"] == []


async def test_a_call_with_a_cluster_stage_states_the_clusters_deadline(intake):
    call = await open_call(intake.client, scheme="innovasjonsrammen")
    assert call["cluster_stage"] == {
        "proposals_min": 2,
        "proposals_max": 4,
        "deadline": "2026-12-15T15:00:00Z",
        "deadline_oslo": "2026-12-15 16:00:00 CET",
    }
    [published] = await outbox_events(intake.database_url, "no.nic.call.published.v1")
    assert published["data"]["cluster_stage"]["deadline"] == "2026-12-15T15:00:00Z"
    assert (await open_call(intake.client))["cluster_stage"] is None


async def test_a_clusters_deadline_before_the_calls_or_on_a_call_without_one_is_refused(intake):
    body = {
        "code": "INNO-BAD",
        "scheme": "innovasjonsrammen",
        "title": {"nb": "U", "en": "C"},
        "description": {"nb": "B", "en": "D"},
        "opens_at_local": "2026-01-05T09:00:00",
        "deadline_local": "2026-12-01T16:00:00",
        "budget_frame_nok": 1_000_000,
        "cluster_deadline_local": "2026-11-30T16:00:00",
    }
    early = await intake.client.post("/v1/calls", json=body, headers=OFFICER)
    assert early.status_code == 422
    assert early.json()["errors"] == [
        {
            "pointer": "#/cluster_deadline_local",
            "rule": "after-deadline",
            "detail": "the cluster's deadline comes after the call's deadline",
        }
    ]
    circular = body | {
        "scheme": "circular_value_chains",
        "cluster_deadline_local": "2026-12-20T16:00:00",
    }
    refused = await intake.client.post("/v1/calls", json=circular, headers=OFFICER)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["rule"] == "no-cluster-stage"
    fine = body | {"cluster_deadline_local": "2027-01-10T12:00:00"}
    made = await intake.client.post("/v1/calls", json=fine, headers=OFFICER)
    assert made.status_code == 201, made.text
    assert made.json()["cluster_stage"]["deadline_oslo"] == "2027-01-10 12:00:00 CET"


async def test_a_cluster_forwards_two_to_four_in_its_own_order_and_the_rest_are_closed(intake):
    call, ours, theirs = await setting_up(intake)
    base = f"/v1/calls/{call['id']}/cluster-priority"
    listed = await intake.client.get(f"{base}/proposals", headers=MANAGER)
    assert {i["id"] for i in listed.json()["items"]} == set(ours)
    assert listed.json()["cluster_deadline"] == "2026-12-15T15:00:00Z"
    assert (
        await intake.client.get(f"/v1/applications/{theirs}", headers=MANAGER)
    ).status_code == 404

    intake.clock.now = IN_CLUSTER_STAGE
    ranked = [ours[3], ours[0], ours[2]]
    ok = await forward(intake, call["id"], ranked)
    assert ok.status_code == 201, ok.text
    assert [p["application_id"] for p in ok.json()["proposals"]] == ranked
    assert set(ok.json()["not_forwarded"]) == {ours[1], ours[4]}

    [event] = await outbox_events(intake.database_url, EVENT)
    assert [p["application_id"] for p in event["data"]["proposals"]] == ranked
    assert [p["rank"] for p in event["data"]["proposals"]] == [1, 2, 3]
    assert set(event["data"]["not_forwarded"]) == {ours[1], ours[4]}
    assert "kari" not in str(event)  # the manager's address stays in intake

    for closed in (ours[1], ours[4]):
        status = await status_of(intake, closed)
        assert (status["status"], status["stage"]) == ("closed", "not_forwarded")
        assert status["timeline"][-1]["kind"] == "cluster_priority"
        assert status["timeline"][-1]["outcome"] == "not_forwarded"
    for sent in ranked:
        status = await status_of(intake, sent)
        assert (status["status"], status["stage"]) == ("submitted", "forwarded")
    assert (await status_of(intake, theirs))["stage"] is None  # another cluster's: untouched

    recipient, subject, body = await mail_row(intake)
    assert recipient == "kari@klynge.example"
    assert call["code"] in subject
    assert body.index("1. Forslag 3") < body.index("2. Forslag 0") < body.index("3. Forslag 2")
    assert "Forslag 1" in body.split("Ikke videresendt")[1]

    read = await intake.client.get(base, headers=MANAGER)
    assert read.json()["proposals"] == ok.json()["proposals"]


async def mail_row(intake: Any) -> tuple[str, str, str]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(intake.database_url)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT recipient, subject, body FROM mail_outbox WHERE recipient = 'kari@klynge.example'"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    return str(row[0]), str(row[1]), str(row[2])


async def test_forwarding_before_the_calls_deadline_is_refused_and_changes_nothing(intake):
    call, ours, _ = await setting_up(intake, 3)
    refused = await forward(intake, call["id"], ours[:2])
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:nic:problem:cluster-stage-not-open"
    assert problem["errors"][0]["pointer"] == "#/cluster_stage/deadline"
    assert problem["errors"][0]["rule"] == "cluster-stage-opens"
    await nothing_changed(intake, ours)


async def test_forwarding_after_the_clusters_deadline_is_refused_and_changes_nothing(intake):
    call, ours, _ = await setting_up(intake, 3)
    intake.clock.now = AFTER_CLUSTER_DEADLINE  # the deadline itself is late
    refused = await forward(intake, call["id"], ours[:2])
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:nic:problem:cluster-deadline-passed"
    assert problem["cluster_deadline_oslo"].startswith("2026-12-15T16:00:00+01:00")
    assert problem["errors"][0] == {
        "pointer": "#/cluster_stage/deadline",
        "rule": "cluster-deadline",
        "detail": problem["detail"],
    }
    await nothing_changed(intake, ours)


async def test_fewer_than_two_more_than_four_twice_or_anothers_proposal_names_the_rule(intake):
    call, ours, theirs = await setting_up(intake)
    intake.clock.now = IN_CLUSTER_STAGE
    cases = [
        (ours[:1], "priority-count", "#/ranked", "min-proposals"),
        (ours, "priority-count", "#/ranked", "max-proposals"),
        ([ours[0], ours[0]], "priority-duplicate", "#/ranked/1", "ranked-once"),
        ([ours[0], theirs], "priority-not-cluster-proposal", "#/ranked/1", "sent-to-cluster"),
        (
            [ours[0], "00000000-0000-4000-8000-000000000000"],
            "priority-not-cluster-proposal",
            "#/ranked/1",
            "sent-to-cluster",
        ),
    ]
    for ranked, slug, pointer, rule in cases:
        refused = await forward(intake, call["id"], ranked)
        assert refused.status_code == 422, ranked
        problem = refused.json()
        assert problem["type"] == f"urn:nic:problem:{slug}"
        assert (problem["errors"][0]["pointer"], problem["errors"][0]["rule"]) == (pointer, rule)
    # another cluster's proposal and no proposal at all read the same: nothing leaks
    assert (await forward(intake, call["id"], [ours[0], theirs])).json()["detail"] == (
        await forward(intake, call["id"], [ours[0], "00000000-0000-4000-8000-000000000000"])
    ).json()["detail"]
    await nothing_changed(intake, ours)


async def test_the_same_forwarding_again_replays_and_another_list_conflicts(intake):
    call, ours, _ = await setting_up(intake, 3)
    intake.clock.now = IN_CLUSTER_STAGE
    first = await forward(intake, call["id"], ours[:2])
    assert first.status_code == 201
    again = await forward(intake, call["id"], ours[:2])
    assert again.status_code == 200
    assert again.json() == first.json()
    other = await forward(intake, call["id"], [ours[1], ours[0]])
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:priority-already-submitted"
    assert other.json()["errors"][0]["rule"] == "one-forwarding"
    assert len(await outbox_events(intake.database_url, EVENT)) == 1
    assert (
        await scalar(
            intake.database_url,
            "SELECT count(*) FROM mail_outbox WHERE recipient = 'kari@klynge.example'",
        )
        == 1
    )
    assert (await status_of(intake, ours[2]))["status"] == "closed"


async def test_only_cluster_managers_of_two_stage_calls(intake):
    call = await open_call(intake.client, scheme="innovasjonsrammen")
    circular = await open_call(intake.client)
    no_cluster = auth("cluster_manager")
    applicant_token = auth("applicant", org="910000004")
    base = f"/v1/calls/{call['id']}/cluster-priority"
    assert (await intake.client.get(f"{base}/proposals", headers=no_cluster)).status_code == 403
    assert (
        await intake.client.get(f"{base}/proposals", headers=applicant_token)
    ).status_code == 403
    other = await intake.client.get(
        f"/v1/calls/{circular['id']}/cluster-priority/proposals", headers=MANAGER
    )
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:not-two-stage"
    assert (await intake.client.get(base, headers=MANAGER)).status_code == 404
