"""The long fault runs (issue 8, item 3): the scenarios of tests/faults at full size.

    .venv/bin/python scripts/soak_faults.py [--size 1000] [--kills 8] [--rounds 1] [--seed N]
                                            [--only kill,handover,registry,broker]

Runs on SQLite under a temporary folder with its own Tansu broker. Each scenario ends by
checking that every accepted submission has exactly one eligibility decision (and one entry
in intake's timeline); the last line printed is PASS or FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults import scenarios  # noqa: E402
from tests.faults.platform import Platform, quiet_port  # noqa: E402
from tests.support.broker import Broker  # noqa: E402
from tests.support.services import migrate, unique_prefix  # noqa: E402

SCENARIOS = ("kill", "handover", "registry", "broker")


async def run_one(name: str, args: argparse.Namespace, rng: random.Random, folder: Path) -> Any:
    broker = Broker(port=quiet_port()).start()

    async def new_database(db: str, migrations: Path | None = None) -> str:
        url = f"sqlite+aiosqlite:///{folder / db}.db"
        if migrations is not None:
            await migrate(migrations, url)
        return url

    platform = await Platform.build(
        bootstrap=broker.bootstrap,
        new_database=new_database,
        prefix=unique_prefix(),
        tmp_path=folder,
        eligibility_instances=2 if name == "handover" else 1,
    )
    try:
        if name == "kill":
            return await scenarios.kill_eligibility_during_backlog(
                platform, size=args.size, kills=args.kills, rng=rng
            )
        if name == "handover":
            return await scenarios.second_consumer_takes_over(platform, size=args.size)
        if name == "registry":
            return await scenarios.registry_down_during_burst(platform, size=args.size // 5)
        return await scenarios.broker_restarted_during_burst(
            platform,
            broker,
            size=args.size // 10,
            down_s=2.0,
            republish_command=True,
            decide_timeout_s=120,
        )
    finally:
        await platform.stop_all()
        broker.stop()


async def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=random.randrange(1_000_000))
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"some of {','.join(SCENARIOS)}"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}", flush=True)
    ok = True
    for round_no in range(args.rounds):
        for name in args.only.split(","):
            with tempfile.TemporaryDirectory(prefix=f"soak-{name}-") as tmp:
                started = time.monotonic()
                try:
                    result = await run_one(name, args, rng, Path(tmp))
                    verdict = "ok"
                except Exception:
                    ok, verdict, result = False, "FAILED", traceback.format_exc()
                    for log in sorted((Path(tmp) / "logs").glob("*.log")):
                        print(f"--- {log.name}\n{scenarios.tail(log)}")
                took = time.monotonic() - started
                print(
                    f"round {round_no + 1} {name}: {verdict} in {took:.0f}s: {result}", flush=True
                )
    return ok


if __name__ == "__main__":
    passed = asyncio.run(main())
    print("PASS" if passed else "FAIL")
    sys.exit(0 if passed else 1)
