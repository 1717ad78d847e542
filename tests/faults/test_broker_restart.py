"""The broker is stopped during a burst of submissions and a fresh one (empty: the embedded
broker keeps topics in memory, and the consumer groups' offsets go with it) starts on the
same port: every accepted submission still gets its one eligibility decision.

What it takes, learnt from this test: the relays notice the reset (the epoch marker in
nic.epoch changed, or offsets went back) and republish what they sent; every send asks for
metadata first (Tansu breaks a topic that a Produce request creates); consumers start a
partition again when it no longer holds what they read, and rejoin as a new member when a
topic comes back with another partition count (Tansu answers the old member with its old
assignment)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults import scenarios
from tests.faults.platform import quiet_port
from tests.support.broker import Broker


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # the broker is the fault here: one database backend will do


@pytest.fixture
def own_broker() -> Iterator[Broker]:
    broker = Broker(port=quiet_port()).start()
    yield broker
    broker.stop()


@pytest.mark.slow
async def test_broker_restart_with_the_republish_command(own_broker, platform_factory):
    platform = await platform_factory(own_broker.bootstrap)
    result = await scenarios.broker_restarted_during_burst(
        platform, own_broker, size=20, down_s=2.0, republish_command=True, decide_timeout_s=45
    )
    print(result)


@pytest.mark.slow
async def test_broker_restart_republished_automatically_by_the_relays(own_broker, platform_factory):
    platform = await platform_factory(own_broker.bootstrap)
    result = await scenarios.broker_restarted_during_burst(
        platform, own_broker, size=20, down_s=2.0, republish_command=False, decide_timeout_s=45
    )
    print(result)
