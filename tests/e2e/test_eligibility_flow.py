"""Eligibility end to end: real intake, real registry, real eligibility, the real broker.

An applicant submits in intake -> ApplicationSubmitted -> eligibility asks the registry's
POST /v1/facts -> EligibilityAssessed -> intake's status timeline shows the decision.
With the registry stopped no decision appears; once it is back the decision does.

The registry runs as its own process (`python -m nic_registry`), as in production, so it
can be stopped and started again on the same port.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from nic_eligibility.main import MIGRATIONS as ELIGIBILITY_MIGRATIONS
from nic_eligibility.main import create_app as eligibility_app
from nic_eligibility.settings import EligibilitySettings
from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from tests.eligibility.stand_in import org_numbers
from tests.support.processes import ServiceProcess
from tests.support.services import auth, serve, service_settings

OFFICER = auth("programme_officer")
FACILITATOR, OWNER, PARTNER = org_numbers(93_100_000, 3)
APPLICANT = auth("applicant", org=OWNER)

CALL = {
    "code": "INNO-E2E",
    "scheme": "innovasjonsrammen",
    "title": {"nb": "Innovasjonsrammen", "en": "The innovation frame"},
    "description": {"nb": "Forprosjekter i klynger.", "en": "Pre-projects in clusters."},
    "opens_at_local": "2026-01-05T09:00:00",
    "deadline_local": "2030-12-15T16:00:00",
    "budget_frame_nok": 1_000_000,
}


def company(org_number: str, name: str) -> dict[str, Any]:
    return {
        "org_number": org_number,
        "name": name,
        "org_form_code": "AS",
        "sector_code": "2100",
        "registered_in_foretaksregisteret": True,
        "headcount_awu": 12,
        "turnover_nok": 18_000_000,
        "balance_sheet_nok": 9_000_000,
        "figures_year": 2025,
    }


async def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def registry_data(client: httpx.AsyncClient) -> str:
    """A cluster at Arena level with the owner as member; a partner outside the cluster."""
    for org, name in ((FACILITATOR, "Klyngen AS"), (OWNER, "Eier AS"), (PARTNER, "Partner AS")):
        await ok(await client.post("/v1/organisations", json=company(org, name), headers=OFFICER))
    cluster = await ok(
        await client.post(
            "/v1/clusters",
            json={"name": "Arena Havrom", "facilitator_org_number": FACILITATOR},
            headers=OFFICER,
        )
    )
    cluster_id = str(cluster["id"])
    await ok(
        await client.post(
            f"/v1/clusters/{cluster_id}/levels",
            json={"level": "arena", "valid_from": "2020-01-01"},
            headers=OFFICER,
        )
    )
    await ok(
        await client.post(
            f"/v1/clusters/{cluster_id}/members",
            json={
                "org_number": OWNER,
                "name": "Eier AS",
                "actor_type": "established_company",
                "valid_from": "2020-01-01",
            },
            headers=OFFICER,
        )
    )
    return cluster_id


def content(cluster_id: str) -> dict[str, Any]:
    return {
        "title": "Sensorer for havbruk",
        "summary": "To bedrifter modner en sensoridé.",
        "project_start": "2027-01-01",
        "project_end": "2027-12-31",
        "project_owner": OWNER,
        "cluster_id": cluster_id,
        "contact_person": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "partners": [
            {"org_number": OWNER, "name": "Eier AS", "role": "owner"},
            {"org_number": PARTNER, "name": "Partner AS", "role": "partner"},
        ],
        "budget": [
            {"category": "personnel", "year": 2027, "partner": OWNER, "amount_nok": 300_000},
            {"category": "personnel", "year": 2027, "partner": PARTNER, "amount_nok": 300_000},
        ],
        "requested_amount_nok": 300_000,
    }


async def submit(client: httpx.AsyncClient, call_id: str, cluster_id: str) -> str:
    created = await ok(
        await client.post(
            "/v1/applications",
            json={"call_id": call_id, "content": content(cluster_id)},
            headers=APPLICANT,
        )
    )
    application_id = str(created["id"])
    await ok(
        await client.post(
            f"/v1/applications/{application_id}/attachments",
            params={"kind": "project_description", "filename": "prosjekt.pdf"},
            content=b"%PDF-1.4\n% project description\n",
            headers={**APPLICANT, "Content-Type": "application/pdf"},
        )
    )
    await ok(
        await client.post(
            f"/v1/applications/{application_id}/submit",
            json={"confirm": True},
            headers={**APPLICANT, "Idempotency-Key": f"submit-{application_id}"},
        )
    )
    return application_id


async def eligibility_entries(client: httpx.AsyncClient, application_id: str) -> list[Any]:
    status = await ok(
        await client.get(f"/v1/applications/{application_id}/status", headers=APPLICANT), 200
    )
    return [e for e in status["timeline"] if e["kind"] == "eligibility_assessed"]


async def test_submitted_assessed_on_registry_facts_and_shown_in_intakes_timeline(
    broker, new_database, topic_prefix
):
    async def settings(name: str, migrations: Any) -> dict[str, Any]:
        url = await new_database(name, migrations)
        return service_settings(broker.bootstrap, url, topic_prefix)

    registry = ServiceProcess("registry", await settings("registry", None))
    await asyncio.to_thread(registry.migrate)
    intake = intake_app(IntakeSettings(**await settings("intake", INTAKE_MIGRATIONS)))
    eligibility = eligibility_app(
        EligibilitySettings(
            **await settings("eligibility", ELIGIBILITY_MIGRATIONS),
            registry_url=registry.url,
            registry_attempts=2,
            registry_backoff_s=0.05,
            registry_connect_timeout_s=0.5,
        )
    )
    async with serve(intake) as i, serve(eligibility) as e:
        await registry.start()
        async with httpx.AsyncClient(base_url=registry.url, timeout=10) as r:
            cluster_id = await registry_data(r)
        await registry.stop()  # the registry is down from here

        call = await ok(await i.client.post("/v1/calls", json=CALL, headers=OFFICER))
        await ok(await i.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER), 200)
        application_id = await submit(i.client, call["id"], cluster_id)

        await asyncio.sleep(3.0)  # the consumer keeps asking the registry meanwhile
        assert await eligibility_entries(i.client, application_id) == []
        path = f"/v1/applications/{application_id}/assessment"
        assert (await e.client.get(path, headers=OFFICER)).status_code == 404

        await registry.start()  # back, same URL and data
        try:
            entries: list[Any] = []
            for _ in range(300):
                entries = await eligibility_entries(i.client, application_id)
                if entries:
                    break
                await asyncio.sleep(0.1)
        finally:
            await registry.stop()

        assert len(entries) == 1, "the decision reached intake's status timeline"
        assert entries[0]["outcome"] == "eligible", entries
        assessment = await ok(await e.client.get(path, headers=APPLICANT), 200)
        assert assessment["outcome"] == "eligible"
        officer_view = await ok(await e.client.get(path, headers=OFFICER), 200)
        owner_facts = next(o for o in officer_view["facts"]["organisations"] if o["key"] == OWNER)
        assert owner_facts["sme_class"] == "small"
        assert any(m["member_at_date"] for m in owner_facts["memberships"])
        partner_facts = next(
            o for o in officer_view["facts"]["organisations"] if o["key"] == PARTNER
        )
        assert partner_facts["memberships"] == []
        assert officer_view["facts"]["cluster"]["base_support"] is True
