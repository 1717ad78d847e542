"""Organisations: keys are checked, facts registered by hand, SME class never guessed."""

from __future__ import annotations

import uuid

from tests.registry.builders import applicant, machine, manager, officer, outbox_events


async def test_an_organisation_number_with_a_wrong_check_digit_is_refused_naming_the_field(
    registry,
):
    response = await registry.client.post(
        "/v1/organisations",
        json={"org_number": "988077918", "name": "Feil AS"},
        headers=officer(),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in response.json()["errors"]] == ["#/org_number"]
    assert "MOD11" in response.json()["errors"][0]["detail"]


async def test_a_member_with_a_wrong_check_digit_is_refused_naming_the_field(registry):
    cluster = (
        await registry.client.post(
            "/v1/clusters",
            json={"name": "C", "facilitator_org_number": "974760673"},
            headers=officer(),
        )
    ).json()
    response = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members",
        json={
            "org_number": "988077918",
            "name": "X",
            "actor_type": "startup",
            "valid_from": "2023-01-01",
        },
        headers=officer(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/org_number"


async def test_sme_class_follows_the_eu_rule_and_is_unknown_without_figures(registry):
    small = await registry.client.post(
        "/v1/organisations",
        json={
            "org_number": "988077917",
            "name": "Treklyngen AS",
            "org_form_code": "AS",
            "sector_code": "2100",
            "headcount_awu": 12,
            "turnover_nok": 18_000_000,
            "balance_sheet_nok": 9_000_000,
            "figures_year": 2023,
        },
        headers=officer(),
    )
    assert small.status_code == 201, small.text
    assert small.json()["sme"]["sme_class"] == "small"
    assert small.json()["sector"] == "private_company"
    bare = await registry.client.post(
        "/v1/organisations",
        json={"org_number": "912660680", "name": "Uten Tall AS", "org_form_code": "AS"},
        headers=officer(),
    )
    assert bare.json()["sme"]["sme_class"] == "unknown"


async def test_state_owned_company_is_public_controlled_and_large(registry):
    response = await registry.client.post(
        "/v1/organisations",
        json={
            "org_number": "923609016",
            "name": "EQUINOR ASA",
            "org_form_code": "ASA",
            "sector_code": "1120",
            "headcount_awu": 5,
            "turnover_nok": 1,
            "balance_sheet_nok": 1,
        },
        headers=officer(),
    )
    body = response.json()
    assert (body["sector"], body["public_controlled"], body["sme"]["sme_class"]) == (
        "public_controlled_company",
        True,
        "large",
    )


async def test_unknown_organisation_form_is_refused(registry):
    response = await registry.client.post(
        "/v1/organisations",
        json={"org_number": "988077917", "name": "X", "org_form_code": "XX"},
        headers=officer(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/org_form_code"


async def test_foreign_organisation_is_keyed_by_country_and_id(registry):
    response = await registry.client.post(
        "/v1/organisations",
        json={"foreign_country": "se", "foreign_id": "5560360793", "name": "Saab AB"},
        headers=officer(),
    )
    assert response.status_code == 201, response.text
    assert response.json()["key"] == "SE:5560360793"
    assert response.json()["sector"] == "foreign"
    got = await registry.client.get("/v1/organisations/SE:5560360793", headers=officer())
    assert got.status_code == 200


async def test_registering_twice_is_a_conflict(registry):
    body = {"org_number": "988077917", "name": "Treklyngen AS"}
    assert (
        await registry.client.post("/v1/organisations", json=body, headers=officer())
    ).status_code == 201
    again = await registry.client.post("/v1/organisations", json=body, headers=officer())
    assert again.status_code == 409
    assert again.json()["type"] == "urn:nic:problem:organisation-exists"


async def test_changes_need_the_current_etag(registry):
    created = await registry.client.post(
        "/v1/organisations",
        json={"org_number": "988077917", "name": "Treklyngen AS"},
        headers=officer(),
    )
    tag = created.headers["etag"]
    path = "/v1/organisations/988077917"
    missing = await registry.client.patch(
        path, json={"research_organisation": True}, headers=officer()
    )
    assert missing.status_code == 428
    changed = await registry.client.patch(
        path, json={"research_organisation": True}, headers={**officer(), "If-Match": tag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["research_organisation"] is True
    stale = await registry.client.patch(
        path, json={"name": "Nytt navn AS"}, headers={**officer(), "If-Match": tag}
    )
    assert stale.status_code == 412
    events = await outbox_events(registry.database_url, "no.nic.organisation.updated.v1")
    assert [e["data"]["organisation_key"] for e in events] == ["988077917", "988077917"]


async def test_applicants_cannot_register_or_change_organisations(registry):
    body = {"org_number": "988077917", "name": "Treklyngen AS"}
    response = await registry.client.post("/v1/organisations", json=body, headers=applicant())
    assert response.status_code == 403
    by_manager = await registry.client.post(
        "/v1/organisations", json=body, headers=manager(str(uuid.uuid4()))
    )
    assert by_manager.status_code == 201
    change = await registry.client.patch(
        "/v1/organisations/988077917",
        json={"name": "X"},
        headers={**applicant(), "If-Match": by_manager.headers["etag"]},
    )
    assert change.status_code == 403


async def test_an_applicant_reads_only_its_own_organisation(registry):
    for number in ("988077917", "912660680"):
        await registry.client.post(
            "/v1/organisations", json={"org_number": number, "name": number}, headers=officer()
        )
    own = await registry.client.get("/v1/organisations/988077917", headers=applicant())
    other = await registry.client.get("/v1/organisations/912660680", headers=applicant())
    assert (own.status_code, other.status_code) == (200, 404)
    listed = await registry.client.get("/v1/organisations", headers=machine("registry:read"))
    assert [o["key"] for o in listed.json()["items"]] == ["912660680", "988077917"]


async def test_organisation_list_pages_with_a_cursor(registry):
    for number in ("988077917", "912660680", "974760673"):
        await registry.client.post(
            "/v1/organisations", json={"org_number": number, "name": number}, headers=officer()
        )
    first = (await registry.client.get("/v1/organisations?limit=2", headers=officer())).json()
    second = (
        await registry.client.get(
            f"/v1/organisations?limit=2&cursor={first['next_cursor']}", headers=officer()
        )
    ).json()
    keys = [o["key"] for o in first["items"] + second["items"]]
    assert keys == ["912660680", "974760673", "988077917"]
    assert second["next_cursor"] is None


async def test_organisation_forms_are_a_data_table(registry):
    forms = (await registry.client.get("/v1/organisation-forms", headers=applicant())).json()
    by_code = {f["code"]: f for f in forms}
    assert by_code["STAT"]["sector"] == "public_state"
    assert by_code["STAT"]["public"] is True
    assert by_code["NUF"]["sector"] == "foreign"
    assert len(forms) >= 40


async def test_a_weak_etag_never_matches_if_match_and_changes_nothing(registry):
    created = await registry.client.post(
        "/v1/organisations",
        json={"org_number": "988077917", "name": "Treklyngen AS"},
        headers=officer(),
    )
    tag = created.headers["etag"]
    path = "/v1/organisations/988077917"
    weak = await registry.client.patch(
        path, json={"name": "Svak AS"}, headers={**officer(), "If-Match": f"W/{tag}"}
    )
    assert weak.status_code == 412
    assert weak.json()["rule"] == "strong-etag"
    assert "W/" in weak.json()["detail"]
    after = await registry.client.get(path, headers=officer())
    assert (after.json()["name"], after.headers["etag"]) == ("Treklyngen AS", tag)
    listed = await registry.client.patch(
        path, json={"name": "Liste AS"}, headers={**officer(), "If-Match": f'"999", {tag}'}
    )
    assert listed.status_code == 200  # one of a list of strong tags matches
