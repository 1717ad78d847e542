"""The services as processes on SQLite and one broker, for contract fuzzing: shared by the
contract tests and scripts/schemathesis_findings.py so both fuzz what a user runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, seed, settings

from tests.faults.platform import quiet_port
from tests.support.processes import ServiceProcess
from tests.support.services import service_settings, unique_prefix

ALL_SERVICES = ("intake", "eligibility", "scoring", "registry", "operations")


@cache
def openapi(service: str) -> dict[str, Any]:
    """The service's OpenAPI document, as its app renders it (nothing started)."""
    module = __import__(f"nic_{service}.main", fromlist=["create_app"])
    return dict(module.create_app().openapi())


def fuzzing(fixed_seed: int, examples: int) -> Callable[[Any], Any]:
    """Hypothesis as contract fuzzing runs it: a fixed seed, `examples` per mode, no deadline,
    no example database, no health check (services are slow to answer on purpose)."""

    def apply(test: Any) -> Any:
        tuned = settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(test)
        return seed(fixed_seed)(tuned)

    return apply


@contextlib.contextmanager
def running(
    bootstrap: str, root: Path, names: Sequence[str]
) -> Iterator[dict[str, ServiceProcess]]:
    """Migrate and start `names` (registry too when eligibility is asked: it looks
    organisations up there), ready; stopped on exit."""
    prefix = unique_prefix()
    wanted = list(names)
    if "eligibility" in wanted and "registry" not in wanted:
        wanted.append("registry")
    processes: dict[str, ServiceProcess] = {}
    for name in wanted:
        values = service_settings(bootstrap, f"sqlite+aiosqlite:///{root}/{name}.db", prefix)
        values |= {"port": quiet_port(), "log_level": "WARNING"}
        if name == "intake":
            values["data_dir"] = str(root / "intake")
        processes[name] = ServiceProcess(name, values, log=root / f"{name}.log")
    if "eligibility" in processes:
        processes["eligibility"].env["NIC_ELIGIBILITY_REGISTRY_URL"] = processes["registry"].url
    if "operations" in processes:
        urls = {n: p.url for n, p in processes.items() if n != "operations"}
        processes["operations"].env["NIC_OPERATIONS_SERVICE_URLS"] = json.dumps(urls)
    try:
        for process in processes.values():
            process.migrate()

        async def start_all() -> None:
            await asyncio.gather(*(p.start(ready=True, timeout_s=60) for p in processes.values()))

        asyncio.run(start_all())
        yield processes
    finally:

        async def stop_all() -> None:
            await asyncio.gather(*(p.stop() for p in processes.values()))

        asyncio.run(stop_all())
