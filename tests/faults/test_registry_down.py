"""The registry is down while a burst of submissions arrives: eligibility decides nothing
without its facts (and dead-letters nothing); once it is back every one is decided, once."""

from __future__ import annotations

import pytest

from tests.faults import scenarios


@pytest.mark.slow
async def test_registry_down_during_a_burst_then_all_decided_once(broker, platform_factory):
    platform = await platform_factory(broker.bootstrap)
    print(await scenarios.registry_down_during_burst(platform, size=40))
