"""Eligibility crashing (SIGKILL) or handing over to another instance mid-backlog:
every application still gets exactly one decision, and intake shows it once."""

from __future__ import annotations

import os
import random

import pytest

from tests.faults import scenarios

SEED = int(os.environ.get("NIC_FAULT_SEED", random.randrange(1_000_000)))


@pytest.mark.slow
async def test_eligibility_killed_at_random_points_decides_each_application_once(
    broker, platform_factory
):
    platform = await platform_factory(broker.bootstrap)
    result = await scenarios.kill_eligibility_during_backlog(
        platform, size=200, kills=3, rng=random.Random(SEED)
    )
    print(f"seed {SEED}: {result}")
    assert any(d < 200 for d in result["killed_with_decided"]), "killed mid-backlog"


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["postgresql"]
)  # SQLite: one instance per file (serve refuses a second)
async def test_second_instance_joins_mid_backlog_and_first_stops_nothing_lost_or_twice(
    broker, platform_factory
):
    platform = await platform_factory(broker.bootstrap, eligibility_instances=2)
    result = await scenarios.second_consumer_takes_over(platform, size=150)
    print(result)
    assert result["decided_at_stop"] < 150, "the hand-over happened mid-backlog"
    total, distinct = result["inbox"]
    assert total == distinct == 150
