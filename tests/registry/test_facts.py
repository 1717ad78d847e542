"""The facts endpoint: everything eligibility needs, for many organisations, in one call."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import event

from tests.registry.builders import (
    add_level,
    applicant,
    machine,
    manager,
    new_cluster,
    officer,
    org_numbers,
)


@contextlib.contextmanager
def counted_queries(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def registry_with_members(registry, count: int):
    clusters = []
    for name, level in (("Arena Tre", "arena"), ("GCE Hav", "gce")):
        cluster = await new_cluster(registry.client, name)
        await add_level(registry.client, cluster["id"], level, "2020-01-01")
        clusters.append(cluster)
    numbers = org_numbers(count)
    lines = ["org_number,foreign_country,foreign_id,name,actor_type,valid_from,valid_to"]
    lines += [f"{n},,,Bedrift {n},established_company,2021-01-01," for n in numbers]
    for cluster in clusters:
        response = await registry.client.post(
            f"/v1/clusters/{cluster['id']}/members/import",
            content="\n".join(lines),
            headers={**officer(), "Content-Type": "text/csv"},
        )
        assert response.status_code == 200, response.text
    return clusters, numbers


async def test_the_facts_endpoint_answers_for_20_organisations_in_one_call(registry):
    clusters, numbers = await registry_with_members(registry, 20)
    query = {"organisations": numbers, "cluster_id": clusters[0]["id"], "as_of": "2023-09-01"}
    response = await registry.client.post("/v1/facts", json=query, headers=machine("registry:read"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [o["key"] for o in body["organisations"]] == numbers
    first = body["organisations"][0]
    assert first["known"] is True
    assert first["member_of_current_or_former_nic_cluster"] is True
    assert {m["cluster_name"] for m in first["memberships"]} == {"Arena Tre", "GCE Hav"}
    assert body["cluster"]["level"] == "arena"
    assert body["cluster"]["base_support"] is True


async def test_the_number_of_queries_does_not_grow_with_the_organisations(registry):
    _clusters, numbers = await registry_with_members(registry, 200)
    reader = machine("registry:read")
    with counted_queries(registry.app) as few:
        small = await registry.client.post(
            "/v1/facts",
            json={"organisations": numbers[:2], "as_of": "2023-09-01"},
            headers=reader,
        )
    with counted_queries(registry.app) as many:
        large = await registry.client.post(
            "/v1/facts", json={"organisations": numbers, "as_of": "2023-09-01"}, headers=reader
        )
    assert (small.status_code, large.status_code) == (200, 200)
    assert len(large.json()["organisations"]) == 200
    assert len(many) == len(few) <= 8


async def test_more_than_200_organisations_are_refused(registry):
    response = await registry.client.post(
        "/v1/facts",
        json={"organisations": org_numbers(201), "as_of": "2023-09-01"},
        headers=officer(),
    )
    assert response.status_code == 422


async def test_unknown_and_foreign_organisations_are_answered_as_unknown(registry):
    response = await registry.client.post(
        "/v1/facts",
        json={"organisations": ["988077917", "SE:5560360793"], "as_of": "2023-09-01"},
        headers=officer(),
    )
    [norwegian, foreign] = response.json()["organisations"]
    assert (norwegian["known"], norwegian["sector"]) == (False, "unknown")
    assert (foreign["known"], foreign["sector"]) == (False, "foreign")


async def test_a_bad_key_is_refused_naming_its_position(registry):
    response = await registry.client.post(
        "/v1/facts",
        json={"organisations": ["988077917", "988077918"], "as_of": "2023-09-01"},
        headers=officer(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/organisations/1"


async def test_an_unknown_cluster_is_404(registry):
    response = await registry.client.post(
        "/v1/facts",
        json={"organisations": [], "cluster_id": str(uuid.uuid4()), "as_of": "2023-09-01"},
        headers=officer(),
    )
    assert response.status_code == 404


async def test_business_network_customers_are_reported_at_the_date(registry):
    await registry.client.post(
        "/v1/organisations",
        json={"org_number": "988077917", "name": "Nettverk AS"},
        headers=officer(),
    )
    period = await registry.client.post(
        "/v1/organisations/988077917/business-network-periods",
        json={"valid_from": "2023-01-01", "valid_to": "2023-12-31"},
        headers=officer(),
    )
    assert period.status_code == 201, period.text
    overlap = await registry.client.post(
        "/v1/organisations/988077917/business-network-periods",
        json={"valid_from": "2023-06-01"},
        headers=officer(),
    )
    assert overlap.status_code == 409
    by_manager = await registry.client.post(
        "/v1/organisations/988077917/business-network-periods",
        json={"valid_from": "2025-01-01"},
        headers=manager(str(uuid.uuid4())),
    )
    assert by_manager.status_code == 403

    async def customer(day: str) -> bool:
        body = (
            await registry.client.post(
                "/v1/facts",
                json={"organisations": ["988077917"], "as_of": day},
                headers=machine("registry:read"),
            )
        ).json()
        return bool(body["organisations"][0]["business_network_customer"])

    assert (await customer("2023-12-31"), await customer("2024-01-01")) == (True, False)
    listed = await registry.client.get(
        "/v1/business-network-customers?as_of=2023-05-01", headers=officer()
    )
    assert [p["organisation_key"] for p in listed.json()["items"]] == ["988077917"]


async def test_facts_need_the_read_scope_or_a_programme_officer(registry):
    query = {"organisations": ["988077917"], "as_of": "2023-09-01"}
    for headers, status in (
        (machine("registry:read"), 200),
        (officer(), 200),
        (machine("intake:write"), 403),
        (applicant(), 403),
        ({}, 401),
    ):
        response = await registry.client.post("/v1/facts", json=query, headers=headers)
        assert response.status_code == status, (headers, response.text)
