"""Clusters and their history: levels never overlap, periods end after they start."""

from __future__ import annotations

from datetime import timedelta

from tests.registry.builders import (
    add_level,
    applicant,
    manager,
    new_cluster,
    officer,
    outbox_events,
)


async def test_overlapping_level_periods_of_one_cluster_are_a_conflict(registry):
    cluster = await new_cluster(registry.client)
    first = await add_level(registry.client, cluster["id"], "arena", "2020-01-01", "2022-12-31")
    assert first.status_code == 201, first.text
    overlapping = await add_level(registry.client, cluster["id"], "arena_pro", "2022-06-01")
    assert overlapping.status_code == 409
    assert overlapping.json()["type"] == "urn:nic:problem:period-overlap"
    after = await add_level(registry.client, cluster["id"], "arena_pro", "2023-01-01")
    assert after.status_code == 201
    levels = after.json()["levels"]
    assert [(lv["level"], lv["valid_from"]) for lv in levels] == [
        ("arena", "2020-01-01"),
        ("arena_pro", "2023-01-01"),
    ]


async def test_a_level_ending_before_it_starts_is_refused_naming_the_field(registry):
    cluster = await new_cluster(registry.client)
    response = await add_level(registry.client, cluster["id"], "arena", "2023-01-01", "2022-01-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/valid_to"


async def test_status_at_a_date_follows_the_history(registry):
    cluster = await new_cluster(registry.client)
    cid = cluster["id"]
    level = await add_level(registry.client, cid, "arena_pro", "2019-01-01")
    await registry.client.post(
        f"/v1/clusters/{cid}/nce",
        json={"valid_from": "2019-01-01", "valid_to": "2021-12-31"},
        headers=officer(),
    )
    await registry.client.post(
        f"/v1/clusters/{cid}/mature", json={"valid_from": "2024-01-01"}, headers=officer()
    )
    await registry.client.post(
        f"/v1/clusters/{cid}/esca-labels",
        json={"grade": "gold", "awarded": "2023-03-01", "valid_until": "2025-02-28"},
        headers=officer(),
    )
    status = (
        await registry.client.get(f"/v1/clusters/{cid}?as_of=2024-06-01", headers=applicant())
    ).json()["status"]
    assert status == {
        "cluster_id": cid,
        "name": "Arena Tre",
        "facilitator_org_number": "974760673",
        "level": "arena_pro",
        "nic_status": "active",
        "base_support": True,
        "nce_brand": False,
        "formerly_nce": True,
        "mature_qualified": True,
        "esca_label": "gold",
    }
    period_id = level.json()["levels"][0]["id"]
    current = await registry.client.get(f"/v1/clusters/{cid}", headers=officer())
    ended = await registry.client.patch(
        f"/v1/clusters/{cid}/periods/{period_id}",
        json={"valid_to": "2024-12-31"},
        headers={**officer(), "If-Match": current.headers["etag"]},
    )
    assert ended.status_code == 200, ended.text
    later = (
        await registry.client.get(f"/v1/clusters/{cid}?as_of=2025-06-01", headers=officer())
    ).json()["status"]
    assert (later["nic_status"], later["base_support"], later["level"]) == ("former", False, None)


async def test_mature_qualification_renews_yearly_and_cannot_overlap(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}/mature"
    first = await registry.client.post(path, json={"valid_from": "2023-01-01"}, headers=officer())
    assert first.json()["mature"][0]["valid_to"] == "2023-12-31"
    overlap = await registry.client.post(path, json={"valid_from": "2023-06-01"}, headers=officer())
    assert overlap.status_code == 409
    renewal = await registry.client.post(path, json={"valid_from": "2024-01-01"}, headers=officer())
    assert renewal.status_code == 201


async def test_registration_and_level_changes_go_out_as_events(registry):
    cluster = await new_cluster(registry.client)
    await add_level(registry.client, cluster["id"], "arena", "2020-01-01")
    registered = await outbox_events(registry.database_url, "no.nic.cluster.registered.v1")
    changed = await outbox_events(registry.database_url, "no.nic.cluster.level_changed.v1")
    assert registered[0]["data"]["cluster_id"] == cluster["id"]
    assert changed[0]["data"] == {
        "cluster_id": cluster["id"],
        "level": "arena",
        "valid_from": "2020-01-01",
        "valid_to": None,
    }


async def test_only_programme_officers_manage_clusters_and_levels(registry):
    cluster = await new_cluster(registry.client)
    body = {"name": "X", "facilitator_org_number": "974760673"}
    assert (
        await registry.client.post("/v1/clusters", json=body, headers=applicant())
    ).status_code == 403
    own_manager = manager(cluster["id"])
    level = {"level": "arena", "valid_from": "2020-01-01"}
    response = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/levels", json=level, headers=own_manager
    )
    assert response.status_code == 403
    anyone = await registry.client.get(f"/v1/clusters/{cluster['id']}", headers=applicant())
    assert anyone.status_code == 200
    nobody = await registry.client.get(f"/v1/clusters/{cluster['id']}")
    assert nobody.status_code == 401


async def test_cluster_changes_need_the_current_etag(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}"
    got = await registry.client.get(path, headers=officer())
    changed = await registry.client.patch(
        path, json={"region": "Innlandet"}, headers={**officer(), "If-Match": got.headers["etag"]}
    )
    assert changed.status_code == 200
    assert changed.json()["region"] == "Innlandet"
    stale = await registry.client.patch(
        path, json={"region": "Viken"}, headers={**officer(), "If-Match": got.headers["etag"]}
    )
    assert stale.status_code == 412
    level_with_stale_tag = await registry.client.post(
        f"{path}/levels",
        json={"level": "gce", "valid_from": "2020-01-01"},
        headers={**officer(), "If-Match": got.headers["etag"]},
    )
    assert level_with_stale_tag.status_code == 412


async def test_cluster_list_pages_with_a_cursor(registry):
    for name in ("A", "B", "C"):
        registry.clock.now += timedelta(seconds=1)
        await new_cluster(registry.client, name)
    first = (await registry.client.get("/v1/clusters?limit=2", headers=applicant())).json()
    rest = (
        await registry.client.get(
            f"/v1/clusters?limit=2&cursor={first['next_cursor']}", headers=applicant()
        )
    ).json()
    assert [c["name"] for c in first["items"] + rest["items"]] == ["A", "B", "C"]
    bad = await registry.client.get("/v1/clusters?cursor=nonsense", headers=applicant())
    assert bad.status_code == 400
