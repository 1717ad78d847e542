"""A cluster manager reads their own cluster, not another's: memberships elsewhere, the
business-network customers and organisations' financial figures are the programme's."""

from __future__ import annotations

from typing import Any

from tests.registry.builders import (
    add_level,
    add_member,
    applicant,
    machine,
    manager,
    new_cluster,
    officer,
)

SHARED = "988077917"
FIGURES = {
    "org_number": SHARED,
    "name": "Treklyngen AS",
    "org_form_code": "AS",
    "headcount_awu": 12,
    "turnover_nok": 18_000_000,
    "balance_sheet_nok": 9_000_000,
    "figures_year": 2023,
}


async def test_a_manager_sees_an_organisations_memberships_of_their_own_cluster_only(registry):
    ours = await new_cluster(registry.client, "Vår klynge")
    theirs = await new_cluster(registry.client, "Deres klynge")
    await add_level(registry.client, theirs["id"], "arena", "2020-01-01")
    for cluster in (ours, theirs):
        assert (await add_member(registry.client, cluster["id"], SHARED)).status_code == 201
    assert (await add_member(registry.client, theirs["id"], "912660680")).status_code == 201

    url = f"/v1/organisations/{SHARED}/clusters?as_of=2023-09-01"
    mine = await registry.client.get(url, headers=manager(ours["id"]))
    assert mine.status_code == 200, mine.text
    assert [m["cluster_id"] for m in mine.json()["memberships"]] == [ours["id"]]
    assert "Deres klynge" not in mine.text
    assert mine.json()["member_of_current_or_former_nic_cluster"] is False  # ours is not NIC

    elsewhere = await registry.client.get(
        "/v1/organisations/912660680/clusters", headers=manager(ours["id"])
    )
    assert elsewhere.status_code == 404
    assert elsewhere.headers["content-type"].startswith("application/problem+json")

    for headers in (officer(), machine("registry:read")):
        full = (await registry.client.get(url, headers=headers)).json()
        assert {m["cluster_id"] for m in full["memberships"]} == {ours["id"], theirs["id"]}
        assert full["member_of_current_or_former_nic_cluster"] is True


async def test_financial_figures_go_to_officers_machines_and_the_organisation_itself(registry):
    created = await registry.client.post("/v1/organisations", json=FIGURES, headers=officer())
    assert created.status_code == 201, created.text
    cluster = await new_cluster(registry.client)

    def figures(body: dict[str, Any]) -> tuple[Any, ...]:
        sme = body["sme"]
        return (sme["headcount_awu"], sme["turnover_nok"], sme["balance_sheet_nok"])

    one = f"/v1/organisations/{SHARED}"
    for headers in (officer(), machine("registry:read"), applicant(SHARED)):
        body = (await registry.client.get(one, headers=headers)).json()
        assert figures(body)[0] is not None
        assert figures(body)[1:] == (18_000_000, 9_000_000)
    as_manager = await registry.client.get(one, headers=manager(cluster["id"]))
    assert as_manager.status_code == 200
    assert figures(as_manager.json()) == (None, None, None)
    assert as_manager.json()["sme"]["figures_year"] is None
    assert as_manager.json()["sme"]["sme_class"] == "small"  # the class, not the figures
    listed = await registry.client.get("/v1/organisations", headers=manager(cluster["id"]))
    assert all(figures(o) == (None, None, None) for o in listed.json()["items"])
    assert "18000000" not in listed.text
    by_officer = await registry.client.get("/v1/organisations", headers=officer())
    assert [figures(o)[1] for o in by_officer.json()["items"]] == [18_000_000]


async def test_business_network_customers_are_not_listed_to_cluster_managers(registry):
    cluster = await new_cluster(registry.client)
    url = "/v1/business-network-customers"
    refused = await registry.client.get(url, headers=manager(cluster["id"]))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    for headers in (officer(), machine("registry:read")):
        assert (await registry.client.get(url, headers=headers)).status_code == 200
