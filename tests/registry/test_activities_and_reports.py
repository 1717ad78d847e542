"""Activities and the annual report: counts by type, five-point coverage."""

from __future__ import annotations

from typing import Any

from tests.registry.builders import (
    add_member,
    machine,
    manager,
    new_cluster,
    officer,
    outbox_events,
)


async def activity(registry, cluster_id, headers=None, **fields) -> Any:
    body = {
        "activity_date": "2023-03-14",
        "title": "Workshop",
        "activity_type": "competence",
        "participant_count": 20,
        **fields,
    }
    return await registry.client.post(
        f"/v1/clusters/{cluster_id}/activities", json=body, headers=headers or officer()
    )


async def test_a_cluster_manager_logs_activities_with_member_participants(registry):
    cluster = await new_cluster(registry.client)
    await add_member(registry.client, cluster["id"], "988077917", start="2023-01-01")
    mine = manager(cluster["id"])
    logged = await activity(registry, cluster["id"], mine, participant_organisations=["988077917"])
    assert logged.status_code == 201, logged.text
    assert logged.json()["participant_organisations"] == ["988077917"]
    events = await outbox_events(registry.database_url, "no.nic.activity.registered.v1")
    assert events[0]["data"]["participant_count"] == 20
    listed = await registry.client.get(f"/v1/clusters/{cluster['id']}/activities", headers=mine)
    assert [a["title"] for a in listed.json()["items"]] == ["Workshop"]


async def test_participants_must_be_members_on_the_activity_date(registry):
    cluster = await new_cluster(registry.client)
    await add_member(registry.client, cluster["id"], "988077917", start="2023-06-01")
    response = await activity(registry, cluster["id"], participant_organisations=["988077917"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/participant_organisations/0"


async def test_another_clusters_manager_gets_404_for_activities(registry):
    own = await new_cluster(registry.client, "Own")
    other = await new_cluster(registry.client, "Other")
    response = await activity(registry, other["id"], manager(own["id"]))
    assert response.status_code == 404


async def test_a_cluster_with_four_of_the_five_actor_types_lacks_five_point_coverage(registry):
    cluster = await new_cluster(registry.client)
    cid = cluster["id"]
    for number, actor in (
        ("988077917", "established_company"),
        ("912660680", "startup"),
        ("974760673", "research"),
        ("991825827", "public"),
    ):
        assert (await add_member(registry.client, cid, number, actor)).status_code == 201
    await add_member(
        registry.client, cid, "983887457", "capital", start="2022-01-01", end="2022-12-31"
    )
    await activity(registry, cid, participant_count=12)
    await activity(
        registry, cid, activity_type="international_market_positions", participant_count=5
    )
    report = await registry.client.get(
        f"/v1/clusters/{cid}/annual-reports/2023", headers=machine("registry:read")
    )
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["five_point"]["covered"] is False
    assert body["five_point"]["missing"] == ["capital"]
    assert body["nce_resource_base"] is False
    assert body["members"]["capital"] == {"at_start": 0, "joined": 0, "left": 0, "at_end": 0}
    assert body["members"]["startup"]["joined"] == 1
    assert body["members_at_end"] == 4
    assert body["activities"]["competence"] == {"activities": 1, "participants": 12}
    assert body["total_participants"] == 17
    last_year = (
        await registry.client.get(f"/v1/clusters/{cid}/annual-reports/2022", headers=officer())
    ).json()
    assert last_year["members"]["capital"]["left"] == 1


async def test_all_five_actor_types_cover_the_five_point_model(registry):
    cluster = await new_cluster(registry.client)
    for number, actor in (
        ("988077917", "established_company"),
        ("912660680", "startup"),
        ("974760673", "education"),
        ("991825827", "public"),
        ("983887457", "capital"),
    ):
        await add_member(registry.client, cluster["id"], number, actor)
    body = (
        await registry.client.get(
            f"/v1/clusters/{cluster['id']}/annual-reports/2023", headers=officer()
        )
    ).json()
    assert body["five_point"] == {
        "covered": True,
        "present": ["established_companies", "startups", "capital", "academia", "public"],
        "missing": [],
    }


async def test_dates_outside_1900_to_2100_are_refused_naming_the_field(registry):
    cluster = await new_cluster(registry.client)
    far = await activity(registry, cluster["id"], activity_date="9999-12-31")
    assert far.status_code == 422
    assert far.json()["errors"][0]["pointer"] == "#/activity_date"
    ancient = await add_member(registry.client, cluster["id"], "988077917", start="0001-01-01")
    assert ancient.status_code == 422
    assert ancient.json()["errors"][0]["pointer"] == "#/valid_from"
    level = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/levels",
        json={"level": "arena", "valid_from": "2023-01-01", "valid_to": "2999-01-01"},
        headers=officer(),
    )
    assert level.status_code == 422
    assert level.json()["errors"][0]["pointer"] == "#/valid_to"
    listed = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/activities", headers=officer()
    )
    assert listed.json()["items"] == []
    members = await registry.client.get(f"/v1/clusters/{cluster['id']}/members", headers=officer())
    assert members.json()["items"] == []
