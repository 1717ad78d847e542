"""The lapse worker: unanswered grants lapse by themselves after the deadline and the reserve
moves up once, with two intake instances running the loop on one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from tests.intake.builders import Clock, applicant, scalar
from tests.intake.conftest import Intake
from tests.intake.ranked import decide_and_approve, ranked_call
from tests.support.ports import free_port
from tests.support.services import serve, service_settings

LAPSED = "SELECT count(*) FROM decision_acceptances WHERE answer = 'lapsed'"
VERSIONS = "SELECT count(*) FROM decision_versions"


@asynccontextmanager
async def two_instances(new_database: Any, data: Path) -> AsyncIterator[list[Intake]]:
    """Two intake apps on one database and one clock, each polling for lapses every 50 ms."""
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
                lapse_poll_interval_s=0.05,
            )
            app = create_app(IntakeSettings(**settings))
            app.state.clock = clock
            served = await stack.enter_async_context(serve(app, ready=False))
            running.append(Intake(app, served.client, clock, url, data))
        yield running


async def wait_for(url: str, sql: str, want: int) -> None:
    for _ in range(200):
        if await scalar(url, sql) >= want:
            return
        await asyncio.sleep(0.05)


async def test_unanswered_grants_lapse_and_the_reserve_moves_up_once(
    new_database: Any, tmp_path: Path
):
    async with two_instances(new_database, tmp_path / "data") as (first, second):
        ranked = await ranked_call(first)
        await decide_and_approve(first, ranked)
        await asyncio.sleep(0.5)  # several rounds of both workers before the deadline
        assert await scalar(first.database_url, LAPSED) == 0
        assert await scalar(first.database_url, VERSIONS) == 4

        first.clock.now += timedelta(days=15)
        await wait_for(first.database_url, LAPSED, 2)
        await wait_for(first.database_url, VERSIONS, 5)
        await asyncio.sleep(0.5)  # more rounds: nothing lapses or is promoted twice
        assert await scalar(first.database_url, LAPSED) == 2
        assert await scalar(first.database_url, VERSIONS) == 5
        actors = await scalar(
            first.database_url,
            "SELECT count(*) FROM decision_acceptances WHERE answered_by = 'system:lapse-worker'",
        )
        assert actors == 2
        reserve = await second.client.get(
            f"/v1/applications/{ranked.apps[2]}/decision", headers=applicant(ranked.orgs[2])
        )
        body = reserve.json()
        assert (body["version"], body["outcome"]) == (2, "granted")
        lapsed = await second.client.get(
            f"/v1/applications/{ranked.apps[0]}/status", headers=applicant(ranked.orgs[0])
        )
        assert "grant_lapsed" in lapsed.text


async def test_a_grant_answered_in_time_does_not_lapse(new_database: Any, tmp_path: Path):
    async with two_instances(new_database, tmp_path / "data") as (first, _second):
        ranked = await ranked_call(first)
        await decide_and_approve(first, ranked)
        for index in (0, 1):
            accepted = await first.client.post(
                f"/v1/applications/{ranked.apps[index]}/decision/accept",
                headers=applicant(ranked.orgs[index]),
            )
            assert accepted.status_code == 200, accepted.text
        first.clock.now += timedelta(days=15)
        await asyncio.sleep(0.5)
        assert await scalar(first.database_url, LAPSED) == 0
        assert await scalar(first.database_url, VERSIONS) == 4
