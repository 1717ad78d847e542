"""Innovasjonsrammen: proposals to a cluster; the manager ranks and forwards 2-4."""

from __future__ import annotations

from tests.intake.builders import (
    CLUSTER_A,
    CLUSTER_B,
    attach,
    draft,
    inno_content,
    open_call,
    outbox_events,
    submit,
)
from tests.support.services import auth


async def proposal(intake, call_id: str, cluster: str) -> str:
    app = await draft(intake.client, call_id, inno_content(cluster))
    assert (await attach(intake.client, app["id"], "project_description")).status_code == 201
    assert (await submit(intake.client, app["id"])).status_code == 201
    return str(app["id"])


async def test_cluster_forwards_two_to_four_of_its_own_proposals(intake):
    call = await open_call(intake.client, scheme="innovasjonsrammen")
    ours = [await proposal(intake, call["id"], CLUSTER_A) for _ in range(5)]
    theirs = await proposal(intake, call["id"], CLUSTER_B)
    manager = auth("cluster_manager", cluster=CLUSTER_A)
    base = f"/v1/calls/{call['id']}/cluster-priority"

    listed = await intake.client.get(f"{base}/proposals", headers=manager)
    assert {i["id"] for i in listed.json()["items"]} == set(ours)
    assert (
        await intake.client.get(f"/v1/applications/{theirs}", headers=manager)
    ).status_code == 404
    assert (
        await intake.client.get(f"/v1/applications/{ours[0]}", headers=manager)
    ).status_code == 200

    for ranked in (ours[:1], ours):
        refused = await intake.client.post(base, json={"ranked": ranked}, headers=manager)
        assert refused.status_code == 422, ranked
        assert refused.json()["type"] == "urn:nic:problem:priority-count"
        assert "2" in refused.json()["detail"] or "4" in refused.json()["detail"]
    twice = await intake.client.post(base, json={"ranked": [ours[0], ours[0]]}, headers=manager)
    assert twice.json()["type"] == "urn:nic:problem:priority-duplicate"
    foreign = await intake.client.post(base, json={"ranked": [ours[0], theirs]}, headers=manager)
    assert foreign.status_code == 404
    assert await outbox_events(intake.database_url, "no.nic.cluster_priority.submitted.v1") == []

    ok = await intake.client.post(base, json={"ranked": ours[2::-1]}, headers=manager)
    assert ok.status_code == 201, ok.text
    [event] = await outbox_events(intake.database_url, "no.nic.cluster_priority.submitted.v1")
    assert [p["application_id"] for p in event["data"]["proposals"]] == ours[2::-1]
    assert [p["rank"] for p in event["data"]["proposals"]] == [1, 2, 3]
    again = await intake.client.post(base, json={"ranked": ours[:2]}, headers=manager)
    assert again.status_code == 409


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
    manager = auth("cluster_manager", cluster=CLUSTER_A)
    other = await intake.client.get(
        f"/v1/calls/{circular['id']}/cluster-priority/proposals", headers=manager
    )
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:not-two-stage"
