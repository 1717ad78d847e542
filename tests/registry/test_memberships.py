"""Memberships: periods, the questions asked at a date, and who may touch them."""

from __future__ import annotations

import uuid

from tests.registry.builders import (
    add_level,
    add_member,
    applicant,
    machine,
    manager,
    new_cluster,
    officer,
    outbox_events,
)


async def test_a_membership_that_ends_before_it_starts_is_refused(registry):
    cluster = await new_cluster(registry.client)
    response = await add_member(
        registry.client, cluster["id"], "988077917", start="2023-06-30", end="2023-01-01"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/valid_to"


async def test_a_former_member_of_a_cluster_that_left_counts_as_tied_to_a_former_nic_cluster(
    registry,
):
    cluster = await new_cluster(registry.client)
    await add_level(registry.client, cluster["id"], "arena", "2020-01-01", "2023-08-31")
    joined = await add_member(
        registry.client, cluster["id"], "988077917", start="2023-01-01", end="2023-06-30"
    )
    assert joined.status_code == 201, joined.text

    members = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/members?as_of=2023-09-01", headers=officer()
    )
    assert members.json()["items"] == []
    facts = (
        await registry.client.get(
            "/v1/organisations/988077917/clusters?as_of=2023-09-01",
            headers=machine("registry:read"),
        )
    ).json()
    [membership] = facts["memberships"]
    assert membership["member_at_date"] is False
    assert membership["cluster_status_at_date"] == "former"
    assert facts["member_of_current_or_former_nic_cluster"] is True


async def test_members_at_a_date(registry):
    cluster = await new_cluster(registry.client)
    await add_member(
        registry.client, cluster["id"], "988077917", start="2023-01-01", end="2023-06-30"
    )
    await add_member(registry.client, cluster["id"], "912660680", start="2023-03-01")
    on = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/members?as_of=2023-06-30", headers=officer()
    )
    after = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/members?as_of=2023-07-01", headers=officer()
    )
    assert [m["organisation_key"] for m in on.json()["items"]] == ["912660680", "988077917"]
    assert [m["organisation_key"] for m in after.json()["items"]] == ["912660680"]


async def test_one_organisation_cannot_hold_two_overlapping_memberships_of_a_cluster(registry):
    cluster = await new_cluster(registry.client)
    await add_member(registry.client, cluster["id"], "988077917", start="2023-01-01")
    again = await add_member(registry.client, cluster["id"], "988077917", start="2024-01-01")
    assert again.status_code == 409


async def test_ending_a_membership_needs_its_etag_and_sends_membership_ended(registry):
    cluster = await new_cluster(registry.client)
    created = await add_member(registry.client, cluster["id"], "988077917")
    path = f"/v1/clusters/{cluster['id']}/members/{created.json()['id']}"
    before_start = await registry.client.patch(
        path,
        json={"valid_to": "2022-12-31"},
        headers={**officer(), "If-Match": created.headers["etag"]},
    )
    assert before_start.status_code == 422
    ended = await registry.client.patch(
        path,
        json={"valid_to": "2023-06-30"},
        headers={**officer(), "If-Match": created.headers["etag"]},
    )
    assert ended.status_code == 200, ended.text
    started = await outbox_events(registry.database_url, "no.nic.membership.started.v1")
    finished = await outbox_events(registry.database_url, "no.nic.membership.ended.v1")
    assert started[0]["data"]["organisation_key"] == "988077917"
    assert finished[0]["data"]["valid_to"] == "2023-06-30"


async def test_a_cluster_manager_manages_their_own_cluster_only(registry):
    own = await new_cluster(registry.client, "Own")
    other = await new_cluster(registry.client, "Other")
    mine = manager(own["id"])
    added = await add_member(registry.client, own["id"], "988077917", headers=mine)
    assert added.status_code == 201
    elsewhere = await add_member(registry.client, other["id"], "988077917", headers=mine)
    assert elsewhere.status_code == 404
    reading = await registry.client.get(f"/v1/clusters/{other['id']}/members", headers=mine)
    assert reading.status_code == 404
    other_member = await add_member(registry.client, other["id"], "912660680")
    path = f"/v1/clusters/{other['id']}/members/{other_member.json()['id']}"
    patch = await registry.client.patch(
        path, json={"valid_to": "2023-12-31"}, headers={**mine, "If-Match": '"1"'}
    )
    assert patch.status_code == 404
    unknown = await add_member(registry.client, str(uuid.uuid4()), "988077917")
    assert unknown.status_code == 404


async def test_an_applicant_cannot_write_at_all(registry):
    cluster = await new_cluster(registry.client)
    response = await add_member(registry.client, cluster["id"], "988077917", headers=applicant())
    assert response.status_code == 403
    csv = "org_number,foreign_country,foreign_id,name,actor_type,valid_from,valid_to\n"
    imported = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members/import",
        content=csv,
        headers={**applicant(), "Content-Type": "text/csv"},
    )
    assert imported.status_code == 403
    activity = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/activities",
        json={
            "activity_date": "2023-01-01",
            "title": "x",
            "activity_type": "competence",
            "participant_count": 1,
        },
        headers=applicant(),
    )
    assert activity.status_code == 403


async def test_a_new_organisation_needs_a_name(registry):
    cluster = await new_cluster(registry.client)
    response = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members",
        json={"org_number": "988077917", "actor_type": "startup", "valid_from": "2023-01-01"},
        headers=officer(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/name"


async def test_member_list_pages_with_a_cursor(registry):
    cluster = await new_cluster(registry.client)
    for number in ("988077917", "912660680", "974760673"):
        await add_member(registry.client, cluster["id"], number)
    path = f"/v1/clusters/{cluster['id']}/members?limit=2"
    first = (await registry.client.get(path, headers=officer())).json()
    rest = (
        await registry.client.get(f"{path}&cursor={first['next_cursor']}", headers=officer())
    ).json()
    keys = [m["organisation_key"] for m in first["items"] + rest["items"]]
    assert keys == ["912660680", "974760673", "988077917"]
