"""Idempotency-Key on the registry's creating POSTs: a retry with the same key replays the
first answer and creates nothing more; the same key with another body is 409; keys belong to
the caller."""

from __future__ import annotations

from typing import Any

from tests.registry.builders import new_cluster, scalar
from tests.support.services import auth

OFFICER = auth("programme_officer", subject="officer-1")
OTHER_OFFICER = auth("programme_officer", subject="officer-2")
CLUSTER = {"name": "Arena Tre", "facilitator_org_number": "974760673"}


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def member(org_number: str = "988077917", start: str = "2023-01-01") -> dict[str, Any]:
    return {
        "org_number": org_number,
        "name": f"Org {org_number}",
        "actor_type": "established_company",
        "valid_from": start,
    }


COUNTS = {
    name: f"SELECT count(*) FROM {name}"  # noqa: S608 -- fixed table names
    for name in ("clusters", "memberships", "activities", "cluster_periods")
}


async def count(registry: Any, table: str) -> int:
    return int(await scalar(registry.database_url, COUNTS[table]))


async def test_retry_with_the_same_key_creates_one_cluster_and_replays_the_first_answer(
    registry,
):
    first = await registry.client.post(
        "/v1/clusters", json=CLUSTER, headers=keyed(OFFICER, "cluster-1")
    )
    assert first.status_code == 201, first.text
    retry = await registry.client.post(
        "/v1/clusters", json=CLUSTER, headers=keyed(OFFICER, "cluster-1")
    )
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["ETag"] == first.headers["ETag"]
    assert await count(registry, "clusters") == 1
    fetched = await registry.client.get(first.headers["Location"], headers=OFFICER)
    assert fetched.json()["id"] == first.json()["id"]


async def test_same_key_with_another_cluster_body_is_409_and_nothing_changes(registry):
    first = await registry.client.post(
        "/v1/clusters", json=CLUSTER, headers=keyed(OFFICER, "cluster-1")
    )
    assert first.status_code == 201, first.text
    other = await registry.client.post(
        "/v1/clusters", json={**CLUSTER, "name": "Arena Fire"}, headers=keyed(OFFICER, "cluster-1")
    )
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    assert await count(registry, "clusters") == 1


async def test_retry_with_the_same_key_adds_one_member_and_replays_the_first_answer(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}/members"
    first = await registry.client.post(path, json=member(), headers=keyed(OFFICER, "m-1"))
    assert first.status_code == 201, first.text
    retry = await registry.client.post(path, json=member(), headers=keyed(OFFICER, "m-1"))
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["ETag"] == first.headers["ETag"]
    assert await count(registry, "memberships") == 1
    without_key = await registry.client.post(path, json=member(), headers=OFFICER)
    assert without_key.status_code == 409  # the overlap rule still holds without a key
    assert without_key.json()["type"] == "urn:nic:problem:period-overlap"


async def test_same_key_with_another_member_body_is_409_and_nothing_changes(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}/members"
    assert (
        await registry.client.post(path, json=member(), headers=keyed(OFFICER, "m-1"))
    ).status_code == 201
    before = await count(registry, "memberships")
    other = await registry.client.post(
        path, json=member("974760673"), headers=keyed(OFFICER, "m-1")
    )
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    assert await count(registry, "memberships") == before == 1
    elsewhere = await new_cluster(registry.client, "Arena Fire")
    same_key_other_cluster = await registry.client.post(
        f"/v1/clusters/{elsewhere['id']}/members", json=member(), headers=keyed(OFFICER, "m-1")
    )
    assert same_key_other_cluster.status_code == 409  # the path is part of what the key means
    assert await count(registry, "memberships") == 1


async def test_retry_of_an_activity_registers_it_once(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}/activities"
    body = {
        "activity_date": "2023-03-14",
        "title": "Workshop",
        "activity_type": "competence",
        "participant_count": 20,
    }
    first = await registry.client.post(path, json=body, headers=keyed(OFFICER, "a-1"))
    assert first.status_code == 201, first.text
    retry = await registry.client.post(path, json=body, headers=keyed(OFFICER, "a-1"))
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.headers["Location"] == first.headers["Location"]
    assert await count(registry, "activities") == 1


async def test_an_invalid_key_is_a_400_problem_naming_idempotency_key(registry):
    for key in ("k" * 201, ""):
        response = await registry.client.post(
            "/v1/clusters", json=CLUSTER, headers=keyed(OFFICER, key)
        )
        assert response.status_code == 400, (key, response.text)
        problem = response.json()
        assert problem["type"] == "urn:nic:problem:invalid-idempotency-key"
        assert "Idempotency-Key" in problem["detail"]
    assert await count(registry, "clusters") == 0


async def test_keys_are_per_caller_another_officer_gets_their_own_cluster(registry):
    mine = await registry.client.post(
        "/v1/clusters", json=CLUSTER, headers=keyed(OFFICER, "shared-key")
    )
    theirs = await registry.client.post(
        "/v1/clusters", json=CLUSTER, headers=keyed(OTHER_OFFICER, "shared-key")
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert await count(registry, "clusters") == 2


async def test_a_retried_level_after_the_etag_moved_on_replays_instead_of_412(registry):
    cluster = await new_cluster(registry.client)
    path = f"/v1/clusters/{cluster['id']}/levels"
    body = {"level": "arena", "valid_from": "2023-01-01"}
    headers = {**keyed(OFFICER, "level-1"), "If-Match": '"1"'}
    first = await registry.client.post(path, json=body, headers=headers)
    assert first.status_code == 201, first.text
    retry = await registry.client.post(path, json=body, headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert await count(registry, "cluster_periods") == 1
