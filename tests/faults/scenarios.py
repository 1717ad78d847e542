"""The fault scenarios, sized by their caller: the tests run them CI-sized, and
scripts/soak_faults.py runs them long. Each one ends by checking that every accepted
submission has exactly one eligibility decision (see Platform.assert_exactly_one_decision_each).
"""

from __future__ import annotations

import asyncio
import logging
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nic_shared.events.intake import ApplicationSubmitted
from tests.faults.platform import Platform
from tests.shared.harness import wait_until
from tests.support.broker import Broker
from tests.support.processes import ROOT, ServiceProcess

log = logging.getLogger(__name__)


async def _start(*processes: ServiceProcess) -> None:
    await asyncio.gather(*(p.start(ready=True, timeout_s=60) for p in processes))


async def kill_eligibility_during_backlog(
    platform: Platform, *, size: int, kills: int, rng: random.Random
) -> dict[str, Any]:
    """A backlog of `size` submissions; eligibility is SIGKILLed at random points while it
    works through it, restarted, killed again (`kills` times), then left to finish. The
    kills are spread over the backlog: each comes after a random share of an even slice of
    it has been decided, and then a random moment later (mid-transaction, mid-commit...)."""
    eligibility = platform.eligibility[0]
    await _start(platform.registry, platform.intake)
    await platform.seed()
    ids = await platform.submit_many(size)  # eligibility is down: a backlog on the topic
    killed_at: list[int] = []
    slice_size = max(size // (kills + 1), 1)
    for _ in range(kills):
        before = await platform.decided()
        if before >= size:
            break
        await eligibility.start(timeout_s=60)
        target = min(before + rng.randint(1, slice_size), size - 1)
        await wait_until(
            lambda t=target: _more_than(platform, t - 1), timeout_s=60 + slice_size / 5
        )
        await asyncio.sleep(rng.uniform(0.0, 0.6))
        eligibility.kill()
        killed_at.append(await platform.decided())
    await eligibility.start(ready=True, timeout_s=60)
    await platform.wait_decided(size, timeout_s=60 + size / 5)
    await platform.assert_exactly_one_decision_each(ids)
    await platform.assert_intake_timeline_once_each(ids)
    return {"submitted": size, "killed_with_decided": killed_at}


async def second_consumer_takes_over(platform: Platform, *, size: int) -> dict[str, Any]:
    """Instance A works through a backlog; B joins the group mid-backlog (a rebalance);
    A is stopped mid-backlog (another); B finishes. Nothing lost, nothing applied twice."""
    first, second = platform.eligibility
    await _start(platform.registry, platform.intake)
    await platform.seed()
    ids = await platform.submit_many(size)
    await first.start(timeout_s=60)
    await wait_until(lambda: _more_than(platform, size // 5), timeout_s=60)
    # A decides nothing while the registry is away (it retries), so B joins mid-backlog
    # however long B takes to start.
    await platform.registry.stop()
    await second.start(ready=True, timeout_s=60)
    at_join = await platform.decided()
    await platform.registry.start(ready=True, timeout_s=60)
    await wait_until(lambda: _more_than(platform, at_join + size // 5), timeout_s=60)
    await first.stop()
    at_stop = await platform.decided()
    await platform.wait_decided(size, timeout_s=60 + size / 5)
    await platform.assert_exactly_one_decision_each(ids)
    await platform.assert_intake_timeline_once_each(ids)
    inbox = await platform.query(
        "eligibility",
        "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM inbox WHERE event_type = :t",
        t=ApplicationSubmitted.TYPE,
    )
    return {
        "submitted": size,
        "decided_at_join": at_join,
        "decided_at_stop": at_stop,
        "inbox": tuple(inbox[0]),
    }


async def broker_restarted_during_burst(
    platform: Platform,
    broker: Broker,
    *,
    size: int,
    down_s: float,
    republish_command: bool,
    decide_timeout_s: float = 90.0,
) -> dict[str, Any]:
    """Submissions keep arriving while the broker is stopped and a fresh one (empty: Tansu
    keeps topics in memory) starts on the same port. With `republish_command`, the operator
    runs `python -m nic_<service> republish --since <before the restart>` for intake and
    eligibility once the broker is back; without it, the relays must notice on their own."""
    await _start(platform.registry, platform.intake, *platform.eligibility)
    await platform.seed()
    await platform.wait_decided(0)
    started = datetime.now(UTC) - timedelta(seconds=1)
    accepted: list[str] = []

    async def burst() -> None:
        for _ in range(size):
            accepted.extend(await platform.submit_many(1, concurrency=1))
            await asyncio.sleep(0.01)

    task = asyncio.create_task(burst())
    await wait_until(lambda: _true(len(accepted) >= size // 3), timeout_s=60)
    broker.stop()
    during = len(accepted)
    await asyncio.sleep(down_s)  # intake keeps accepting: the outbox holds the events
    broker.start()
    await task
    if republish_command:
        for service in ("intake", "eligibility"):
            republish(platform, service, started)
    await platform.wait_decided(size, timeout_s=decide_timeout_s)
    await platform.assert_exactly_one_decision_each(accepted)
    await platform.assert_intake_timeline_once_each(accepted)
    return {"submitted": size, "accepted_before_stop": during}


def republish(platform: Platform, service: str, since: datetime) -> str:
    """The documented operations command, run as an operator would."""
    process = {"intake": platform.intake, "eligibility": platform.eligibility[0]}[service]
    done = subprocess.run(
        [sys.executable, "-m", f"nic_{service}", "republish", "--since", since.isoformat()],
        env=process.env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return done.stdout.strip()


async def registry_down_during_burst(platform: Platform, *, size: int) -> dict[str, Any]:
    """The registry is down while a burst arrives: nothing is decided (and nothing
    dead-lettered) until it is back; then all are, once."""
    await _start(platform.registry, platform.intake, *platform.eligibility)
    await platform.seed()
    await platform.registry.stop()
    ids = await platform.submit_many(size)
    await asyncio.sleep(3.0)  # eligibility keeps asking the registry meanwhile
    assert await platform.decided() == 0, "decided without the registry's facts"
    dead = await platform.query("eligibility", "SELECT COUNT(*) FROM dead_letters")
    assert dead[0][0] == 0, "a missing registry is not a reason to dead-letter"
    await platform.registry.start(ready=True, timeout_s=60)
    await platform.wait_decided(size, timeout_s=60 + size / 5)
    await platform.assert_exactly_one_decision_each(ids)
    await platform.assert_intake_timeline_once_each(ids)
    return {"submitted": size}


async def _more_than(platform: Platform, count: int) -> bool:
    return await platform.decided() > count


async def _true(value: bool) -> bool:
    return value


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
