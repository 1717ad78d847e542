"""Innovasjonsrammen stage 5 not taken: once a cluster's deadline has passed with nothing
forwarded, intake's sweep closes its proposals by itself (`closed`, stage `not_forwarded`,
a timeline step the applicant reads), records ClusterStageLapsed once, and mails each
applicant once, also with two intake instances sweeping one database. A proposal closed by
a forwarding is mailed to its applicant too. The clock moves; nobody sleeps to a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from tests.intake.builders import (
    CLUSTER_A,
    CLUSTER_B,
    Clock,
    attach,
    draft,
    inno_content,
    open_call,
    outbox_events,
    scalar,
    submit,
)
from tests.intake.conftest import Intake
from tests.intake.test_priority import (
    AFTER_CLUSTER_DEADLINE,
    IN_CLUSTER_STAGE,
    MANAGER,
    forward,
    proposal,
    status_of,
)
from tests.support.ports import free_port
from tests.support.services import auth, serve, service_settings
from tests.support.smtp import smtp_server

LAPSED = "no.nic.cluster_priority.lapsed.v1"
FAST = {"cluster_sweep_poll_interval_s": 0.05}


async def eventually(check: Callable[[], Awaitable[Any]], timeout_s: float = 15.0) -> Any:
    for _ in range(int(timeout_s / 0.05)):
        if value := await check():
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("condition never held")


async def closed_count(intake: Intake) -> int:
    return int(
        await scalar(
            intake.database_url,
            "SELECT count(*) FROM applications WHERE status = 'closed' AND stage = 'not_forwarded'",
        )
    )


async def test_proposals_of_a_cluster_that_never_forwarded_are_closed_after_its_deadline(
    start_intake,
):
    async with start_intake(**FAST) as intake:
        call = await open_call(intake.client, scheme="innovasjonsrammen")
        silent = [await proposal(intake, call["id"], CLUSTER_A, f"Stille {i}") for i in range(3)]
        active = [await proposal(intake, call["id"], CLUSTER_B, f"Aktiv {i}") for i in range(2)]
        intake.clock.now = IN_CLUSTER_STAGE
        manager_b = auth("cluster_manager", cluster=CLUSTER_B)
        assert (await forward(intake, call["id"], active, manager_b)).status_code == 201
        await asyncio.sleep(0.3)  # rounds of the sweep inside the cluster stage
        assert await closed_count(intake) == 0
        assert await outbox_events(intake.database_url, LAPSED) == []

        intake.clock.now = AFTER_CLUSTER_DEADLINE  # the deadline itself has passed

        async def all_closed() -> bool:
            return await closed_count(intake) == 3

        await eventually(all_closed)
        for app in silent:
            status = await status_of(intake, app)
            assert (status["status"], status["stage"]) == ("closed", "not_forwarded")
            step = status["timeline"][-1]
            assert (step["kind"], step["outcome"]) == ("cluster_priority", "not_forwarded")
        for app in active:  # the cluster that forwarded: untouched
            status = await status_of(intake, app)
            assert (status["status"], status["stage"]) == ("submitted", "forwarded")

        [event] = await outbox_events(intake.database_url, LAPSED)
        assert event["subject"] == f"{call['id']}:{CLUSTER_A}"
        assert sorted(event["data"]["not_forwarded"]) == sorted(silent)
        assert event["data"]["cluster_deadline"] == "2026-12-15T15:00:00Z"
        assert "example.no" not in str(event)  # no applicant's address in the event

        base = f"/v1/calls/{call['id']}/cluster-priority"
        read = (await intake.client.get(base, headers=MANAGER)).json()
        assert (read["lapsed"], read["proposals"]) == (True, [])
        assert sorted(read["not_forwarded"]) == sorted(silent)
        late = await forward(intake, call["id"], silent[:2])
        assert late.status_code == 409
        assert late.json()["type"] == "urn:nic:problem:cluster-deadline-passed"
        listed = await intake.client.get(f"{base}/proposals", headers=MANAGER)
        assert listed.json()["items"] == []


@asynccontextmanager
async def two_instances(new_database: Any, data: Path) -> AsyncIterator[list[Intake]]:
    """Two intake apps on one database and one clock, each sweeping every 20 ms."""
    url = await new_database("intake", MIGRATIONS)
    clock = Clock()
    async with AsyncExitStack() as stack:
        running = []
        for _ in range(2):
            settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.")
            settings.update(
                data_dir=str(data),
                relay_backoff_max_s=0.5,
                mail_poll_interval_s=0.05,
                cluster_sweep_poll_interval_s=0.02,
            )
            app = create_app(IntakeSettings(**settings))
            app.state.clock = clock
            served = await stack.enter_async_context(serve(app, ready=False))
            running.append(Intake(app, served.client, clock, url, data))
        yield running


async def test_two_instances_close_each_unforwarded_proposal_once(new_database, tmp_path):
    async with two_instances(new_database, tmp_path / "data") as (first, second):
        call = await open_call(first.client, scheme="innovasjonsrammen")
        apps = [await proposal(first, call["id"], CLUSTER_A, f"F{i}") for i in range(3)]
        apps += [await proposal(second, call["id"], CLUSTER_B, f"G{i}") for i in range(2)]
        first.clock.now = AFTER_CLUSTER_DEADLINE

        async def all_closed() -> bool:
            return await closed_count(first) == 5

        await eventually(all_closed)
        await asyncio.sleep(0.5)  # many more rounds of both instances
        events = await outbox_events(first.database_url, LAPSED)
        assert sorted(e["data"]["cluster_id"] for e in events) == [CLUSTER_A, CLUSTER_B]
        assert sorted(a for e in events for a in e["data"]["not_forwarded"]) == sorted(apps)
        steps = await scalar(
            first.database_url,
            "SELECT count(*) FROM status_entries WHERE kind = 'cluster_priority'",
        )
        mails = await scalar(
            first.database_url,
            "SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE 'proposal-closed:%'",
        )
        claims = await scalar(first.database_url, "SELECT count(*) FROM cluster_priorities")
        assert (steps, mails, claims) == (5, 5, 2)


async def test_applicant_of_a_closed_proposal_is_told_by_email(start_intake):
    with smtp_server() as (inbox, port):
        async with start_intake(
            mail_transport="smtp", smtp_host="127.0.0.1", smtp_port=port, **FAST
        ) as intake:
            call = await open_call(intake.client, scheme="innovasjonsrammen")

            async def sent_in(cluster: str, n: int) -> str:
                contact = {"name": f"Ola {n}", "email": f"ola{cluster[:1]}{n}@example.no"}
                content = inno_content(cluster) | {
                    "title": f"Forslag {cluster[:1]}{n}",
                    "contact_person": contact,
                }
                app = await draft(intake.client, call["id"], content)
                uploaded = await attach(intake.client, app["id"], "project_description")
                assert uploaded.status_code == 201
                assert (await submit(intake.client, app["id"])).status_code == 201
                return str(app["id"])

            ours = [await sent_in(CLUSTER_A, n) for n in range(3)]
            silent = await sent_in(CLUSTER_B, 0)
            intake.clock.now = IN_CLUSTER_STAGE
            assert (await forward(intake, call["id"], ours[:2])).status_code == 201
            intake.clock.now = AFTER_CLUSTER_DEADLINE

            def to(address: str) -> list[Any]:
                """The closing mails to one address (receipts went there on submit)."""
                return [
                    m
                    for rcpt, m in inbox.messages
                    if rcpt == [address] and "Proposal not forwarded" in str(m["Subject"])
                ]

            async def both_told() -> bool:
                return bool(to("ola12@example.no") and to("ola20@example.no"))

            await eventually(both_told)
            await asyncio.sleep(0.5)  # more sweeps and mail rounds: nothing twice
            [by_forwarding] = to("ola12@example.no")
            [by_sweep] = to("ola20@example.no")
            for forwarded in ("ola10@example.no", "ola11@example.no"):
                assert to(forwarded) == []
            assert "ikke videresendt" in str(by_forwarding["Subject"])
            text = by_forwarding.get_payload(decode=True).decode()
            assert ours[2] in text
            assert "Forslag 12" in text
            assert "sendt andre forslag videre" in text
            lapsed = by_sweep.get_payload(decode=True).decode()
            assert silent in lapsed
            assert "innen sin frist" in lapsed
            assert "forwarded no proposals by its deadline" in lapsed
            for kind in (LAPSED, "no.nic.cluster_priority.submitted.v1"):
                for event in await outbox_events(intake.database_url, kind):
                    assert "example.no" not in str(event)
