"""A draft read with include=eligibility carries eligibility's dry run of it, asked over real
HTTP on the applicant's own token: real intake, eligibility, registry and broker (the call
reaches eligibility as CallPublished). Nothing is stored by the dry run."""

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
from tests.e2e.test_eligibility_flow import APPLICANT, CALL, OFFICER, content, ok, registry_data
from tests.support.ports import free_port
from tests.support.processes import ServiceProcess
from tests.support.services import auth, serve, service_settings


async def _draft(client: httpx.AsyncClient, call_id: str, cluster_id: str) -> str:
    created = await ok(
        await client.post(
            "/v1/applications",
            json={"call_id": call_id, "content": content(cluster_id)},
            headers=APPLICANT,
        )
    )
    return str(created["id"])


async def _attach(client: httpx.AsyncClient, application_id: str) -> None:
    await ok(
        await client.post(
            f"/v1/applications/{application_id}/attachments",
            params={"kind": "project_description", "filename": "prosjekt.pdf"},
            content=b"%PDF-1.4\n% project description\n",
            headers={**APPLICANT, "Content-Type": "application/pdf"},
        )
    )


async def _read(client: httpx.AsyncClient, application_id: str, headers=APPLICANT) -> Any:
    response = await client.get(
        f"/v1/applications/{application_id}", params={"include": "eligibility"}, headers=headers
    )
    return await ok(response, 200)


async def test_a_draft_carries_eligibilitys_dry_run(broker, new_database, topic_prefix):
    async def settings(name: str, migrations: Any) -> dict[str, Any]:
        return service_settings(
            broker.bootstrap, await new_database(name, migrations), topic_prefix
        )

    registry = ServiceProcess("registry", await settings("registry", None))
    await asyncio.to_thread(registry.migrate)
    eligibility = eligibility_app(
        EligibilitySettings(
            **await settings("eligibility", ELIGIBILITY_MIGRATIONS), registry_url=registry.url
        )
    )
    async with serve(eligibility) as e:
        intake = intake_app(
            IntakeSettings(
                **await settings("intake", INTAKE_MIGRATIONS), eligibility_url=e.base_url
            )
        )
        async with serve(intake) as i:
            await registry.start()
            try:
                async with httpx.AsyncClient(base_url=registry.url, timeout=10) as r:
                    cluster_id = await registry_data(r)
                call = await ok(await i.client.post("/v1/calls", json=CALL, headers=OFFICER))
                await ok(
                    await i.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER), 200
                )
                app_id = await _draft(i.client, call["id"], cluster_id)

                incomplete = await _read(i.client, app_id)  # no project description yet
                assert incomplete["eligibility"]["status"] == "incomplete"
                assert incomplete["completeness"]["complete"] is False

                await _attach(i.client, app_id)
                run: dict[str, Any] = {}
                for _ in range(100):  # until CallPublished has reached eligibility
                    run = (await _read(i.client, app_id))["eligibility"]
                    if run["status"] == "checked":
                        break
                    assert run["status"] == "unavailable", run
                    await asyncio.sleep(0.1)
                assert run["status"] == "checked", run
                assert run["outcome"] == "eligible", run
                assert run["rule_results"], "the rules and their facts, as the applicant sees them"

                other = auth("applicant", org="974760673", subject="user-other")
                assert (
                    await i.client.get(
                        f"/v1/applications/{app_id}",
                        params={"include": "eligibility"},
                        headers=other,
                    )
                ).status_code == 404  # not theirs: intake refuses before anything is asked
                plain = await ok(
                    await i.client.get(f"/v1/applications/{app_id}", headers=APPLICANT), 200
                )
                assert plain["eligibility"] is None  # only when asked for
                stored = await e.client.get(
                    f"/v1/applications/{app_id}/assessment", headers=OFFICER
                )
                assert stored.status_code == 404  # a dry run stores nothing
            finally:
                await registry.stop()


async def test_eligibility_away_leaves_the_draft_readable(new_database, topic_prefix):
    url = await new_database("intake", INTAKE_MIGRATIONS)
    values = service_settings(f"127.0.0.1:{free_port()}", url, topic_prefix)
    intake = intake_app(IntakeSettings(**values, eligibility_url=f"http://127.0.0.1:{free_port()}"))
    async with serve(intake, ready=False) as i:
        call = await ok(await i.client.post("/v1/calls", json=CALL, headers=OFFICER))
        await ok(await i.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER), 200)
        app_id = await _draft(i.client, call["id"], "11111111-1111-4111-8111-111111111111")
        await _attach(i.client, app_id)
        run = (await _read(i.client, app_id))["eligibility"]
        assert run == {
            "status": "unavailable",
            "outcome": None,
            "reasons": [],
            "rule_results": [],
            "retry_after_s": 5,
        }
